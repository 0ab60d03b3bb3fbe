package dev.jkraft.cli;

import dev.jkraft.kernel.boot.Libraries;
import dev.jkraft.kernel.config.OptionAssignments;
import dev.jkraft.kernel.config.OptionAssignments.Assignment;
import dev.jkraft.kernel.lib.LibraryRegistry;
import dev.jkraft.kernel.lib.Option;
import dev.jkraft.kernel.lib.OptionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Micro-library options from their three sources, merged in this order, a later one overriding
 * an earlier one: the Kraftfile (or the image built from it), {@code --set}, and the environment,
 * where option {@code vmem.fault_around_pages} is {@code JKRAFT_VMEM_FAULT_AROUND_PAGES}.
 */
final class OptionSources {
    private OptionSources() {}

    /** Where a value came from, as {@code jkraft config show} says. */
    enum Source {
        DEFAULT("default"), KRAFTFILE("Kraftfile"), SET("--set"), ENVIRONMENT("environment");

        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    record Value(String value, Source source, String variable) {}

    /** The environment variable that sets {@code option}. */
    static String variable(String option) {
        return "JKRAFT_" + option.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * The options set by any source, name to value and source, in the order last set. Values
     * are not checked here; {@link #check} does that.
     */
    static Map<String, Value> merge(Map<String, String> kraftfile, List<Assignment> set, Map<String, String> env) {
        Map<String, Value> out = new LinkedHashMap<>();
        kraftfile.forEach((k, v) -> out.put(k, new Value(v, Source.KRAFTFILE, null)));
        for (Assignment a : set) {
            out.remove(a.name()); // the order of the last assignment, which wins
            out.put(a.name(), new Value(a.value(), Source.SET, null));
        }
        if (env.keySet().stream().anyMatch(k -> k.startsWith("JKRAFT_"))) {
            for (Option<?> o : new Libraries().registry().options()) {
                String var = variable(o.name());
                if (env.containsKey(var)) {
                    out.remove(o.name());
                    out.put(o.name(), new Value(env.get(var), Source.ENVIRONMENT, var));
                }
            }
        }
        return out;
    }

    /** Name to value, for the run request. */
    static Map<String, String> values(Map<String, Value> merged) {
        Map<String, String> out = new LinkedHashMap<>();
        merged.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /** Checks names and values against the registry; ExitException 125 listing every problem. */
    static LibraryRegistry check(Map<String, Value> merged) {
        LibraryRegistry registry = new Libraries().registry();
        try {
            OptionAssignments.of(values(merged)).applyTo(registry);
        } catch (OptionException e) {
            StringBuilder sb = new StringBuilder();
            for (String line : e.getMessage().split("\n")) {
                sb.append(sb.isEmpty() ? "" : "\n").append(line);
                merged.entrySet().stream()
                        .filter(m -> m.getValue().source() != Source.SET && (line.startsWith(m.getKey() + ":") || line.contains("'" + m.getKey() + "'")))
                        .findFirst()
                        .ifPresent(m -> sb.append(" (from the ").append(m.getValue().variable() != null
                                ? "environment, " + m.getValue().variable() : m.getValue().source().label).append(')'));
            }
            throw new ExitException(ExitException.JKRAFT_FAILED, sb.toString());
        }
        return registry;
    }
}
