package dev.jkraft.cli;

import dev.jkraft.cli.OptionSources.Source;
import dev.jkraft.cli.OptionSources.Value;
import dev.jkraft.kernel.boot.Libraries;
import dev.jkraft.kernel.config.OptionAssignments.Assignment;
import dev.jkraft.kernel.lib.LibraryRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jkraft config}: the micro-libraries with their ids, init stages and options; {@code
 * config list}, the option registry as a table; {@code config show}, the values a run would use
 * after merging the Kraftfile, {@code --set} and the environment.
 */
@Command(name = "config", description = "Lists the micro-libraries and the options --set accepts.",
        synopsisSubcommandLabel = "[list | show]")
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(new Libraries().registry().describe());
        spec.commandLine().getOut().flush();
        return 0;
    }

    @Command(name = "list", description = "Lists every option: name, type, default and help.")
    static final class ListOptions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Override
        public Integer call() {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "TYPE", "DEFAULT", "HELP"});
            for (dev.jkraft.kernel.lib.Option<?> o : new Libraries().registry().options()) {
                rows.add(new String[] {o.name(), o.typeDescription(), defaultText(o), o.help()});
            }
            Table.print(spec.commandLine().getOut(), rows);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows the option values a run would use, and where each comes from "
            + "(default, Kraftfile, --set, or the environment's JKRAFT_<OPTION>; later ones win).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Option(names = {"-f", "--kraftfile"}, paramLabel = "FILE|DIR",
                description = "Take the Kraftfile's options (a file, or the directory holding one).")
        Path kraftfile;

        @Option(names = "--set", paramLabel = "OPT=VAL", converter = RunCommand.AssignmentConverter.class,
                description = "As jkraft run --set; repeatable.")
        List<Assignment> assignments = new ArrayList<>();

        @Parameters(paramLabel = "OPTION", arity = "0..*", description = "Show only these options.")
        List<String> only = new ArrayList<>();

        private final Map<String, String> hostEnv;

        Show(Map<String, String> hostEnv) {
            this.hostEnv = hostEnv;
        }

        @Override
        public Integer call() {
            Map<String, String> fromFile = kraftfile == null ? Map.of() : Kraftfile.read(Kraftfile.find(kraftfile)).options();
            Map<String, Value> merged = OptionSources.merge(fromFile, assignments, hostEnv);
            LibraryRegistry registry = OptionSources.check(merged);
            for (String name : only) {
                if (registry.option(name).isEmpty()) {
                    throw new ExitException(ExitException.JKRAFT_FAILED, "unknown option '" + name + "' (jkraft config list shows them)");
                }
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "VALUE", "SOURCE"});
            for (dev.jkraft.kernel.lib.Option<?> o : registry.options()) {
                if (!only.isEmpty() && !only.contains(o.name())) {
                    continue;
                }
                Value v = merged.get(o.name());
                Source source = v == null ? Source.DEFAULT : v.source();
                rows.add(new String[] {o.name(), valueText(o),
                    source == Source.ENVIRONMENT ? "environment (" + v.variable() + ")" : source.label});
            }
            Table.print(spec.commandLine().getOut(), rows);
            return 0;
        }
    }

    private static <T> String defaultText(dev.jkraft.kernel.lib.Option<T> o) {
        String v = o.format(o.defaultValue());
        return v.isEmpty() ? "\"\"" : v;
    }

    private static <T> String valueText(dev.jkraft.kernel.lib.Option<T> o) {
        String v = o.format(o.get());
        return v.isEmpty() ? "\"\"" : v;
    }
}
