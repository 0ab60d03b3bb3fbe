package dev.jkraft.cli;

import dev.jkraft.kernel.config.OptionAssignments.Assignment;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.lib.Size;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads the common {@code jkraft run} command line without building picocli's model. picocli's
 * classes are compiled for Java 5, so the JDK's AOT cache cannot keep them and loading them costs
 * ~90 ms, over half of a run's start-up. This parser takes only well-formed uses of the options
 * that work today and returns null for anything else (help, errors, unknown or unsupported
 * options), which then goes through picocli and gets its full messages; both paths fill the same
 * {@link RunCommand}.
 */
final class FastRunParser {
    private FastRunParser() {}

    static RunCommand parse(String[] args, Map<String, String> hostEnv, Launcher launcher) {
        if (args.length < 2 || !args[0].equals("run")) {
            return null;
        }
        RunCommand run = new RunCommand(hostEnv, launcher);
        run.platform = "auto";
        run.memory = Size.parse("512M");
        run.cpus = 0;
        run.logLevel = KernelLog.Level.WARN;
        int i = 1;
        try {
            while (i < args.length) {
                String t = args[i];
                if (t.equals("--")) {
                    i++;
                    break;
                }
                if (!t.startsWith("-") || t.equals("-")) {
                    break;
                }
                String name = t;
                String value = null;
                int eq = t.indexOf('=');
                if (t.startsWith("--") && eq > 0) {
                    name = t.substring(0, eq);
                    value = t.substring(eq + 1);
                }
                switch (name) {
                    case "--strace" -> run.strace = true;
                    case "--clear-env" -> run.clearEnv = true;
                    case "--platform", "-M", "-e", "--set", "--log-level", "--cpus" -> {
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                return null;
                            }
                            value = args[++i];
                        }
                        if (!apply(run, name, value)) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
                i++;
            }
        } catch (RuntimeException e) {
            return null;
        }
        if (i >= args.length) {
            return null;
        }
        run.program = args[i];
        run.args.addAll(Arrays.asList(args).subList(i + 1, args.length));
        return run;
    }

    private static boolean apply(RunCommand run, String name, String value) {
        run.fastGiven.add(name);
        switch (name) {
            case "--platform" -> {
                if (!value.equals("auto") && !value.equals("kvm") && !value.equals("interp")) {
                    return false;
                }
                run.platform = value;
            }
            case "-M" -> {
                run.memory = Size.parse(value);
                if (run.memory < RunCommand.MIN_MEMORY) {
                    return false;
                }
            }
            case "-e" -> {
                if (value.isEmpty() || value.startsWith("=")) {
                    return false;
                }
                run.env.add(value);
            }
            case "--set" -> run.assignments.add(Assignment.parse(value));
            case "--log-level" -> run.logLevel = KernelLog.Level.parse(value);
            case "--cpus" -> {
                run.cpus = Integer.parseInt(value);
                if (run.cpus < 1) {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
