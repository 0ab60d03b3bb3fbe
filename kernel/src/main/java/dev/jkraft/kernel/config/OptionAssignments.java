package dev.jkraft.kernel.config;

import dev.jkraft.kernel.lib.LibraryRegistry;
import dev.jkraft.kernel.lib.Option;
import dev.jkraft.kernel.lib.OptionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code name=value} settings for micro-library options, from {@code jkraft run --set} or the
 * embedding API's {@code option(name, value)}, applied to a {@link LibraryRegistry}.
 *
 * <p>Applying is all or nothing: every assignment is checked first, and if any names an unknown
 * option or has a bad value, none is applied and one {@link OptionException} reports every
 * problem, one per line, with suggestions for mistyped names:
 * {@code unknown option 'vmem.asrl'; did you mean vmem.aslr?}. When a name is assigned twice the
 * later value wins, as on a command line.
 */
public final class OptionAssignments {
    /** How many "did you mean" names an error lists at most. */
    private static final int SUGGESTIONS = 3;

    /** One {@code name=value}. */
    public record Assignment(String name, String value) {
        /**
         * Splits {@code text} at its first '=': {@code vmem.aslr=false}; the value may be empty
         * or contain more '='.
         *
         * @throws OptionException if there is no '=' or nothing before it
         */
        public static Assignment parse(String text) {
            int eq = text.indexOf('=');
            String name = eq < 0 ? "" : text.substring(0, eq).strip();
            if (name.isEmpty()) {
                throw new OptionException("malformed option assignment '" + text
                        + "': use name=value, e.g. vmem.aslr=false");
            }
            return new Assignment(name, text.substring(eq + 1));
        }

        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    private final List<Assignment> assignments;

    private OptionAssignments(List<Assignment> assignments) {
        this.assignments = List.copyOf(assignments);
    }

    /** Parses {@code name=value} strings. @throws OptionException for the first malformed one */
    public static OptionAssignments parse(List<String> texts) {
        return new OptionAssignments(texts.stream().map(Assignment::parse).toList());
    }

    /** From a map of names to values, as the embedding API collects them, in its iteration order. */
    public static OptionAssignments of(Map<String, String> values) {
        List<Assignment> list = new ArrayList<>();
        values.forEach((k, v) -> list.add(new Assignment(k, v)));
        return new OptionAssignments(list);
    }

    public List<Assignment> assignments() {
        return assignments;
    }

    /**
     * Checks every assignment against {@code registry} and, if all are good, sets the options.
     *
     * @throws OptionException listing every unknown name and bad value, one per line; no option
     *     has changed
     */
    public void applyTo(LibraryRegistry registry) {
        List<String> problems = new ArrayList<>();
        List<Runnable> updates = new ArrayList<>();
        for (Assignment a : assignments) {
            var option = registry.option(a.name());
            if (option.isEmpty()) {
                problems.add(unknown(a.name(), registry));
                continue;
            }
            try {
                updates.add(prepare(option.get(), a.value()));
            } catch (OptionException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new OptionException(String.join("\n", problems));
        }
        updates.forEach(Runnable::run);
    }

    private static <T> Runnable prepare(Option<T> option, String text) {
        T value = option.parse(text);
        return () -> option.set(value);
    }

    private static String unknown(String name, LibraryRegistry registry) {
        List<String> known = registry.options().stream().map(Option::name).toList();
        List<String> similar = SimilarNames.closest(name, known, SUGGESTIONS);
        String message = "unknown option '" + name + "'";
        if (similar.isEmpty()) {
            return message + "; no option has a similar name";
        }
        String list = similar.size() == 1 ? similar.getFirst()
                : String.join(", ", similar.subList(0, similar.size() - 1)) + " or " + similar.getLast();
        return message + "; did you mean " + list + "?";
    }
}
