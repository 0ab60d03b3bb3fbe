package dev.jkraft.cli;

import dev.jkraft.kernel.boot.Libraries;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jkraft config}: the micro-libraries with their ids, init stages and options (what --set takes). */
@Command(name = "config", description = "Lists the micro-libraries and the options --set accepts.")
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
}
