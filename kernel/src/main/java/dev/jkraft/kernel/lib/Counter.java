package dev.jkraft.kernel.lib;

import java.util.concurrent.atomic.LongAdder;

/**
 * A named event counter of a micro-library ({@code vmem.faults}, {@code syscall.calls}), cheap to
 * bump from many vCPU threads at once and readable at run time through
 * {@link LibraryRegistry#counters()}, like a Unikraft uk_store entry. Declared as a constant next
 * to the library's options and listed in its {@link Library.Builder}.
 */
public final class Counter {
    private final String name;
    private final String help;
    private final LongAdder adder = new LongAdder();

    private Counter(String name, String help) {
        if (!Option.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad counter name '" + name
                    + "': use library.counter in lower case, e.g. vmem.faults");
        }
        if (help == null || help.isBlank() || help.contains("\n")) {
            throw new IllegalArgumentException(name + ": help must be one non-empty line");
        }
        this.name = name;
        this.help = help;
    }

    public static Counter of(String name, String help) {
        return new Counter(name, help);
    }

    /** The full name, {@code vmem.faults}. */
    public String name() {
        return name;
    }

    /** The library part of the name: everything before the last dot. */
    public String library() {
        return name.substring(0, name.lastIndexOf('.'));
    }

    public String help() {
        return help;
    }

    public void increment() {
        adder.increment();
    }

    public void add(long delta) {
        adder.add(delta);
    }

    /**
     * The current total. Concurrent updates may or may not be included, as with
     * {@link LongAdder#sum()}; a counter is for observing, not for synchronising.
     */
    public long get() {
        return adder.sum();
    }

    /** Back to zero, for tests and for a kernel that is booted again in the same JVM. */
    public void reset() {
        adder.reset();
    }

    @Override
    public String toString() {
        return name + "=" + get();
    }
}
