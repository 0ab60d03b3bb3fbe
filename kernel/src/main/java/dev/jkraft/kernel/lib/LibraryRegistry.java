package dev.jkraft.kernel.lib;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The micro-libraries of one kernel, with their ids, options and counters (Unikraft's uklibid
 * plus the readable side of uk_store). Ids are handed out in registration order starting at 1;
 * boot initialises libraries in {@link #inInitOrder() init order}. Safe to read from any thread
 * while the guest runs; libraries are registered during boot.
 *
 * <p>The same {@link Library} may be registered in several registries (one per kernel in the same
 * JVM); its id belongs to the registry, not to the library.
 */
public final class LibraryRegistry {
    private static final Comparator<Entry> INIT_ORDER =
            Comparator.comparing((Entry e) -> e.library().stage()).thenComparingInt(Entry::id);

    /** A registered library and the id this registry gave it. */
    private record Entry(int id, Library library) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byName = new HashMap<>();
    private final Map<String, Option<?>> options = new TreeMap<>();

    /**
     * Adds a library and returns its id: 1 for the first, then 2, 3, ...
     *
     * <p>Option names cannot clash across libraries: {@link Library.Builder} makes every option
     * name start with its library's name, and library names are unique here.
     *
     * @throws IllegalArgumentException if a library of that name is already registered
     */
    public synchronized int register(Library library) {
        if (byName.containsKey(library.name())) {
            throw new IllegalArgumentException("library '" + library.name() + "' is already registered");
        }
        Entry entry = new Entry(entries.size() + 1, library);
        entries.add(entry);
        byName.put(library.name(), entry);
        for (Option<?> o : library.options()) {
            options.put(o.name(), o);
        }
        return entry.id();
    }

    public synchronized Optional<Library> byName(String name) {
        return Optional.ofNullable(byName.get(name)).map(Entry::library);
    }

    public synchronized Optional<Library> byId(int id) {
        return id >= 1 && id <= entries.size() ? Optional.of(entries.get(id - 1).library()) : Optional.empty();
    }

    /** @throws IllegalArgumentException if {@code library} is not registered here */
    public synchronized int idOf(Library library) {
        Entry e = byName.get(library.name());
        if (e == null || e.library() != library) {
            throw new IllegalArgumentException("library '" + library.name() + "' is not registered");
        }
        return e.id();
    }

    /** In registration (id) order. */
    public synchronized List<Library> libraries() {
        return entries.stream().map(Entry::library).toList();
    }

    /** The order boot initialises them in: by {@link InitStage}, then by id. */
    public synchronized List<Library> inInitOrder() {
        return entries.stream().sorted(INIT_ORDER).map(Entry::library).toList();
    }

    /** Looks an option up by its full name, {@code vmem.aslr}. */
    public synchronized Optional<Option<?>> option(String fullName) {
        return Optional.ofNullable(options.get(fullName));
    }

    /** Every option of every library, sorted by full name. */
    public synchronized List<Option<?>> options() {
        return List.copyOf(options.values());
    }

    /**
     * A snapshot of every counter, sorted by name: {@code {"syscall.calls"=1042, "vmem.faults"=17}}.
     * Each value is read once; the map does not change afterwards.
     */
    public synchronized Map<String, Long> counters() {
        Map<String, Long> snapshot = new TreeMap<>();
        for (Entry e : entries) {
            for (Counter c : e.library().counters()) {
                snapshot.put(c.name(), c.get());
            }
        }
        return Collections.unmodifiableMap(snapshot);
    }

    /**
     * A listing for {@code jkraft config}: each library in init order with its id, stage and
     * description, then its options (type, current value, default if changed, help) and counters.
     *
     * <pre>
     * vmem  id 3  MEMORY  address spaces, VMAs, mmap
     *   vmem.aslr        bool          true  randomize the address space layout
     *   vmem.stack_size  size 16K..1G  8M    main thread stack size
     *   counters: vmem.faults
     * </pre>
     */
    public synchronized String describe() {
        List<Library> ordered = inInitOrder();
        Map<Option<?>, String> values = new LinkedHashMap<>();
        int nameWidth = 0;
        int typeWidth = 0;
        int valueWidth = 0;
        for (Library lib : ordered) {
            for (Option<?> o : lib.options()) {
                String v = valueText(o);
                values.put(o, v);
                nameWidth = Math.max(nameWidth, o.name().length());
                typeWidth = Math.max(typeWidth, o.typeDescription().length());
                valueWidth = Math.max(valueWidth, v.length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Library lib : ordered) {
            sb.append(lib.name()).append("  id ").append(idOf(lib)).append("  ").append(lib.stage())
                    .append("  ").append(lib.description()).append('\n');
            for (Option<?> o : lib.options()) {
                sb.append("  ").append(pad(o.name(), nameWidth))
                        .append("  ").append(pad(o.typeDescription(), typeWidth))
                        .append("  ").append(pad(values.get(o), valueWidth))
                        .append("  ").append(o.help()).append('\n');
            }
            if (!lib.counters().isEmpty()) {
                sb.append("  counters: ")
                        .append(String.join(", ", lib.counters().stream().map(Counter::name).toList()))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    private static <T> String valueText(Option<T> o) {
        String current = quoteIfNeeded(o, o.format(o.get()));
        return o.isDefault() ? current
                : current + " (default " + quoteIfNeeded(o, o.format(o.defaultValue())) + ")";
    }

    private static String quoteIfNeeded(Option<?> o, String text) {
        // An empty or spaced string default would vanish in the columns.
        return o.kind() == Option.Kind.STRING ? "\"" + text + "\"" : text;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
