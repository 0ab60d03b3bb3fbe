package dev.jkraft.cli;

import dev.jkraft.api.Unikernel;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code jkraft} command. Exit status: the guest's own for {@code run}; 125 when jkraft fails
 * or its command line is wrong; 126 and 127 when the program cannot be run or found.
 */
@Command(name = "jkraft", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Runs unmodified Linux x86-64 programs as unikernels on a Java library OS.",
        commandListHeading = "%nCommands:%n")
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs the command line {@code args} and returns the exit status; jkraft's own output (help,
     * version, errors) goes to {@code out} and {@code err}, the guest's to this process's stdio.
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, HostEnvironment.read(), request -> {
            Unikernel guest = request.toBuilder(err).build();
            HostSignals.forwardTo(guest);
            return guest.run();
        });
    }

    /** {@link #execute(String[], PrintStream, PrintStream)} with the host environment and launcher given. */
    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> hostEnv,
            Launcher launcher) {
        RunCommand fast = FastRunParser.parse(args, hostEnv, launcher);
        if (fast != null) {
            fast.stderr = err;
            try {
                return fast.call();
            } catch (ExitException e) {
                err.println("jkraft: " + e.getMessage());
                return e.status();
            } catch (RuntimeException e) {
                // As failure() below: one line, the stack trace only at debug level.
                err.println("jkraft: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getName()));
                if (fast.debugging()) {
                    e.printStackTrace(err);
                }
                return ExitException.JKRAFT_FAILED;
            } finally {
                out.flush();
                err.flush();
            }
        }
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cli = new CommandLine(new Main())
                .addSubcommand(new RunCommand(hostEnv, launcher))
                .addSubcommand(new BuildCommand(hostEnv))
                .addSubcommand(new PkgCommand(hostEnv))
                .addSubcommand(new ImageCommands.Images(hostEnv))
                .addSubcommand(new ImageCommands.Rmi(hostEnv))
                .addSubcommand(new VersionCommand())
                .addSubcommand(new CommandLine(new ConfigCommand())
                        .addSubcommand(new ConfigCommand.ListOptions())
                        .addSubcommand(new ConfigCommand.Show(hostEnv)))
                .addSubcommand(new InstanceCommands.Ps(hostEnv))
                .addSubcommand(new InstanceCommands.Logs(hostEnv, out))
                .addSubcommand(new InstanceCommands.Stop(hostEnv))
                .addSubcommand(new InstanceCommands.Rm(hostEnv))
                .addSubcommand(new InstanceCommands.Supervise())
                .addSubcommand(new HelpCommand())
                // Guest arguments are passed verbatim: "@file" is not an argument file here.
                .setExpandAtFiles(false)
                // As with docker run, a repeated option's last value wins.
                .setOverwrittenOptionsAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(errWriter)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::failure);
        // Everything from PROGRAM on belongs to the guest, even "-n" or "--help".
        cli.getSubcommands().get("run").setStopAtPositional(true);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            errWriter.flush();
        }
    }

    /** {@code jkraft} without a command. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command; use run, build, pkg, images, rmi, ps, logs, stop, rm, config, version or help");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("jkraft: " + describe(e));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitException.JKRAFT_FAILED;
    }

    private static String describe(ParameterException e) {
        // picocli reports a mistyped command as "Unmatched arguments from index 0: 'runn', 'x'".
        if (e instanceof UnmatchedArgumentException u && !u.getCommandLine().getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            return "unknown command '" + u.getUnmatched().getFirst() + "'";
        }
        return e.getMessage();
    }

    private static int failure(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof ExitException exit) {
            err.println("jkraft: " + exit.getMessage());
            return exit.status();
        }
        // Anything else is a jkraft bug or an unexpected host failure: say so in one line, and
        // show the stack trace only to someone who asked for debug output.
        err.println("jkraft: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getName()));
        if (cl.getCommand() instanceof RunCommand run && run.debugging()) {
            e.printStackTrace(err);
        }
        return ExitException.JKRAFT_FAILED;
    }
}
