package dev.jkraft.kernel.lib;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a micro-library says about itself, in one place: its name, when it is initialised, one
 * line of description, its options and its counters (Unikraft keeps the same facts in a library's
 * {@code Config.uk} and {@code Makefile.uk}). The numeric id is not here: a
 * {@link LibraryRegistry} hands ids out in registration order, as uklibid does at link time.
 *
 * <pre>{@code
 * static final Library LIBRARY = Library.builder("vmem", InitStage.MEMORY, "address spaces, VMAs, mmap")
 *         .option(ASLR)
 *         .option(STACK_SIZE)
 *         .counter(FAULTS)
 *         .build();
 * }</pre>
 *
 * Every option and counter must be named {@code <library name>.<something>}.
 */
public final class Library {
    /** Lower-case segments of letters, digits and '_': {@code vmem}, {@code socket.unix}. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private final String name;
    private final InitStage stage;
    private final String description;
    private final List<Option<?>> options;
    private final List<Counter> counters;

    private Library(Builder b) {
        this.name = b.name;
        this.stage = b.stage;
        this.description = b.description;
        this.options = List.copyOf(b.options);
        this.counters = List.copyOf(b.counters);
    }

    public static Builder builder(String name, InitStage stage, String description) {
        return new Builder(name, stage, description);
    }

    public String name() {
        return name;
    }

    public InitStage stage() {
        return stage;
    }

    public String description() {
        return description;
    }

    /** In declaration order. */
    public List<Option<?>> options() {
        return options;
    }

    /** In declaration order. */
    public List<Counter> counters() {
        return counters;
    }

    @Override
    public String toString() {
        return name + " (" + stage + ")";
    }

    /** Collects a library's options and counters; {@link #build()} checks their names. */
    public static final class Builder {
        private final String name;
        private final InitStage stage;
        private final String description;
        private final List<Option<?>> options = new ArrayList<>();
        private final List<Counter> counters = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder(String name, InitStage stage, String description) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad library name '" + name
                        + "': use lower-case letters, digits and '_', e.g. vmem or socket.unix");
            }
            if (description == null || description.isBlank() || description.contains("\n")) {
                throw new IllegalArgumentException(name + ": description must be one non-empty line");
            }
            this.name = name;
            this.stage = Objects.requireNonNull(stage, "stage");
            this.description = description;
        }

        public Builder option(Option<?> option) {
            claim(option.name(), option.library(), "option");
            options.add(option);
            return this;
        }

        public Builder options(Option<?>... options) {
            for (Option<?> o : options) {
                option(o);
            }
            return this;
        }

        public Builder counter(Counter counter) {
            claim(counter.name(), counter.library(), "counter");
            counters.add(counter);
            return this;
        }

        public Builder counters(Counter... counters) {
            for (Counter c : counters) {
                counter(c);
            }
            return this;
        }

        public Library build() {
            return new Library(this);
        }

        private void claim(String fullName, String library, String what) {
            if (!library.equals(name)) {
                throw new IllegalArgumentException(what + " '" + fullName + "' does not belong to library '"
                        + name + "': name it " + name + "." + fullName.substring(fullName.lastIndexOf('.') + 1));
            }
            if (!names.add(fullName)) {
                throw new IllegalArgumentException(name + ": '" + fullName + "' is declared twice");
            }
        }
    }
}
