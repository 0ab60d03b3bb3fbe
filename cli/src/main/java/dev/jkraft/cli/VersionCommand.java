package dev.jkraft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jkraft version}, also behind {@code jkraft --version}. */
@Command(name = "version", description = "Prints jkraft's version.")
final class VersionCommand implements Callable<Integer> {
    /** Used when not running from a jar whose manifest names a version (tests, the IDE). */
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** {@code jkraft <version>}. */
    static String line() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return "jkraft " + (v == null || v.isBlank() ? FALLBACK : v);
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(line());
        return 0;
    }

    /** Lets picocli's {@code --version} print the same line. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}
