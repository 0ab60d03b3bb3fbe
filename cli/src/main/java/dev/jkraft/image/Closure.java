package dev.jkraft.image;

import dev.jkraft.image.ClosureEntry.Kind;
import dev.jkraft.image.ClosureRoot.Resolved;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The files an image needs to run its programs: each program, the interpreter it names
 * ({@code PT_INTERP}), and every shared library it needs, found the way glibc's ld.so(8) or musl's
 * dynamic linker would find it inside the root file system; plus extra files and directories named
 * by the user, and the libraries the ELF objects among them need (Python's lib-dynload modules).
 *
 * <p>Symbolic links met on the way are kept as links, together with what they point to, and every
 * parent directory is an entry, so the paths the programs use work unchanged in the image
 * (on Debian, /lib64/ld-linux-x86-64.so.2 goes through the links /lib64 and
 * /usr/lib64/ld-linux-x86-64.so.2 to /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2).
 *
 * <p>Library search, for an object O needing a name without '/':
 * <ul>
 * <li>glibc: if O has no DT_RUNPATH, the DT_RPATH of O, then of the object that loaded O, and so on
 *     up to the executable (an object with DT_RUNPATH contributes no DT_RPATH); then O's
 *     DT_RUNPATH; then the directories of /etc/ld.so.conf (what ld.so.cache would hold); then
 *     {@link ClosureSearchPath#GLIBC_DEFAULT}. {@code $LIB} is "lib/x86_64-linux-gnu" when that
 *     directory exists in the root (Debian, Ubuntu), else "lib64".
 * <li>musl (interpreter ld-musl-*): the RUNPATH, else RPATH, of O and each of its loaders, then
 *     the directories of etc/ld-musl-x86_64.path, else /lib:/usr/local/lib:/usr/lib. Names musl
 *     provides itself (libc.so, libm.so, libpthread.so...) are the interpreter.
 * </ul>
 * A candidate that is not an x86-64 ELF-64 shared object (another class or machine, a linker
 * script) is skipped and the search goes on, as both linkers do. A name already loaded in the same
 * program (by name, DT_SONAME or file) is not searched again. Environment variables
 * (LD_LIBRARY_PATH, LD_PRELOAD), /etc/ld.so.preload and libraries opened with dlopen(3) by name at
 * run time are not considered; name such libraries as extra paths. For glibc, the
 * glibc-hwcaps/x86-64-v{4,3,2} variants in the directories searched up to the one where the plain
 * library is found are added too, since which one loads depends on the CPU the image runs on. A DT_NEEDED name or RPATH item that
 * is relative is taken from "/" (the linkers use the working directory).
 *
 * <p>Extra paths are followed to what they name (keeping the links); directories are copied
 * recursively without following the links inside them, which are kept as links. The target of
 * such a link is added too when it is a file in the root (the /etc/ssl/certs links then work);
 * when it is a directory, only the directory itself, not its contents. Special files (devices,
 * sockets, FIFOs) in extra directories are left out.
 *
 * <p>glibc programs also get /etc/ld.so.cache when the root has one, and musl programs their
 * path file, so that libraries found through ld.so.conf or that file are found in the image.
 */
public final class Closure {
    /** The PATH a bare program name is looked up in: Docker's default. */
    public static final List<String> PROGRAM_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    private static final int MAX_SCRIPT_INTERPRETERS = 4;
    private static final Comparator<String> GUEST_ORDER = Closure::compareGuestPaths;

    private final List<ClosureEntry> entries;
    private final long totalBytes;
    private final Map<String, String> programs;

    private Closure(List<ClosureEntry> entries, Map<String, String> programs) {
        this.entries = List.copyOf(entries);
        this.totalBytes = entries.stream().mapToLong(ClosureEntry::size).sum();
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
    }

    /**
     * Computes the closure of {@code programs} and {@code extraPaths} in the root file system at
     * {@code root}.
     *
     * @param programs absolute guest paths, or bare names looked up in {@link #PROGRAM_PATH}
     * @param extraPaths absolute guest paths of files, links or directories to add as they are
     * @throws ImageException if a program, extra path, interpreter or library is missing, a link
     *     loops, or an ELF file is malformed
     */
    public static Closure compute(Path root, List<String> programs, List<String> extraPaths, Progress progress) {
        Collector c = new Collector(new ClosureRoot(root), progress);
        progress.start("finding the files the image needs", -1);
        try {
            for (String p : programs) {
                c.program(p);
            }
            for (String p : extraPaths) {
                c.extra(p);
            }
        } finally {
            progress.done();
        }
        return new Closure(new ArrayList<>(c.entries.values()), c.programs);
    }

    /** The entries, sorted by guest path component by component, so parents come before children. */
    public List<ClosureEntry> entries() {
        return entries;
    }

    /** Bytes of all regular files in {@link #entries}. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Each program as given to {@link #compute}, mapped to the guest path it was found at. */
    public Map<String, String> programs() {
        return programs;
    }

    /** Orders guest paths by their components ("/a/b" < "/a/b/c" < "/a/b-c" < "/a/c"). */
    static int compareGuestPaths(String a, String b) {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** An ELF object in one program's link map, as ld.so keeps it. */
    private record Loaded(String name, String path, ElfDynamic elf, Loaded loader) {
        /** $ORIGIN: the directory of the name it was opened by (the executable's real path). */
        String origin() {
            return ClosureRoot.parent(name);
        }
    }

    /** One program's dynamic linking: which linker, and the objects loaded so far. */
    private static final class LinkMap {
        final boolean musl;
        final Loaded main;
        final Loaded interpreter;
        final Map<String, Loaded> byName = new HashMap<>();

        LinkMap(boolean musl, Loaded main, Loaded interpreter) {
            this.musl = musl;
            this.main = main;
            this.interpreter = interpreter;
            if (interpreter != null) {
                register(interpreter, interpreter.name());
            }
        }

        void register(Loaded l, String neededName) {
            byName.put(neededName, l);
            byName.put(l.path(), l);
            if (l.elf().soname() != null) {
                byName.putIfAbsent(l.elf().soname(), l);
            }
        }
    }

    private static final class Collector {
        private final ClosureRoot root;
        private final Progress progress;
        final TreeMap<String, ClosureEntry> entries = new TreeMap<>(GUEST_ORDER);
        final Map<String, String> programs = new LinkedHashMap<>();
        private final Map<String, Optional<ElfDynamic>> elves = new HashMap<>();
        private List<String> ldSoConf;
        private final Map<String, ClosureSearchPath.MuslPath> muslPaths = new HashMap<>();
        private String lib;
        /** The first dynamically linked program's link map: extra ELF objects are loaded into it. */
        private LinkMap firstLinkMap;

        Collector(ClosureRoot root, Progress progress) {
            this.root = root;
            this.progress = progress;
        }

        void program(String name) {
            String found = findProgram(name);
            Resolved r = root.resolve(found, true).orElseThrow();
            if (!r.attrs().isRegularFile()) {
                throw new ImageException("program " + name + " (" + r.path() + ") is not a regular file in "
                        + root.path());
            }
            programs.put(name, found);
            add(r);
            executable(r.path(), 0);
        }

        /** The guest path a program is found at, before its links are followed. */
        private String findProgram(String name) {
            if (name.isEmpty()) {
                throw new ImageException("a program name is empty");
            }
            if (name.contains("/")) {
                if (!name.startsWith("/")) {
                    throw new ImageException("program " + name + " must be an absolute path or a bare name");
                }
                root.resolve(name, true).orElseThrow(
                        () -> new ImageException("program " + name + " does not exist in " + root.path()));
                return name;
            }
            for (String dir : PROGRAM_PATH) {
                Optional<Resolved> r = root.resolve(dir + "/" + name, true);
                if (r.isPresent() && r.get().attrs().isRegularFile()) {
                    return dir + "/" + name;
                }
            }
            throw new ImageException("program " + name + " is not in " + String.join(":", PROGRAM_PATH)
                    + " in " + root.path());
        }

        /** A file to be executed: a script's interpreter, or an ELF's interpreter and libraries. */
        private void executable(String path, int depth) {
            Path host = root.host(path);
            Optional<String> shebang = shebang(host, path);
            if (shebang.isPresent()) {
                if (depth >= MAX_SCRIPT_INTERPRETERS) {
                    throw new ImageException(path + ": script interpreters nest deeper than "
                            + MAX_SCRIPT_INTERPRETERS + " (ELOOP, as Linux's binfmt_script)");
                }
                String interp = shebang.get();
                Resolved r = root.resolve(interp, true).filter(x -> x.attrs().isRegularFile()).orElseThrow(
                        () -> new ImageException(path + " is a script for " + interp + ", which is not in "
                                + root.path()));
                add(r);
                executable(r.path(), depth + 1);
                return;
            }
            Optional<ElfDynamic> elf = elf(path);
            if (elf.isEmpty()) {
                return;
            }
            Loaded main = new Loaded(path, path, elf.get(), null);
            Loaded interpreter = null;
            boolean musl = firstLinkMap != null && firstLinkMap.musl;
            String interp = elf.get().interpreter();
            if (interp != null) {
                Resolved r = root.resolve(interp, true).filter(x -> x.attrs().isRegularFile()).orElseThrow(
                        () -> new ImageException(path + " needs the interpreter " + interp + ", which is not in "
                                + root.path()));
                add(r);
                Optional<ElfDynamic> ie = elf(r.path());
                if (ie.isEmpty()) {
                    throw new ImageException(path + " needs the interpreter " + interp + ", but " + r.path()
                            + " is not an x86-64 ELF-64 object");
                }
                interpreter = new Loaded(interp, r.path(), ie.get(), null);
                musl = r.path().substring(r.path().lastIndexOf('/') + 1).startsWith("ld-musl-")
                        || interp.substring(interp.lastIndexOf('/') + 1).startsWith("ld-musl-");
                linkerFiles(musl, interp);
                if (interpreter.elf().needed().size() > 0) {
                    loadAll(new LinkMap(musl, interpreter, null), interpreter);
                }
            }
            if (elf.get().needed().isEmpty()) {
                return;
            }
            LinkMap map = new LinkMap(musl, main, interpreter);
            if (firstLinkMap == null && interpreter != null) {
                firstLinkMap = map;
            }
            loadAll(map, main);
        }

        /** Adds what a linker reads besides libraries: ld.so.cache, or musl's path file. */
        private void linkerFiles(boolean musl, String interp) {
            if (musl) {
                String file = muslPath(interp).file();
                if (file != null) {
                    root.resolve(file, true).ifPresent(this::add);
                }
            } else {
                root.resolve("/etc/ld.so.cache", true).filter(r -> r.attrs().isRegularFile())
                        .ifPresent(this::add);
            }
        }

        /** Breadth first, as ld.so loads dependencies, each needed name once per program. */
        private void loadAll(LinkMap map, Loaded first) {
            map.register(first, first.name());
            Deque<Loaded> queue = new ArrayDeque<>();
            queue.add(first);
            while (!queue.isEmpty()) {
                Loaded obj = queue.poll();
                for (String name : obj.elf().needed()) {
                    if (map.byName.containsKey(name)) {
                        continue;
                    }
                    List<Loaded> found = search(map, obj, name);
                    Loaded lib = found.getFirst();
                    Loaded already = map.byName.get(lib.path());
                    if (already != null) {
                        map.byName.put(name, already);
                    } else {
                        map.register(lib, name);
                        queue.add(lib);
                    }
                    // Other glibc-hwcaps variants: which one loads depends on the CPU that runs the image.
                    for (Loaded variant : found.subList(1, found.size())) {
                        if (!map.byName.containsKey(variant.path())) {
                            map.byName.put(variant.path(), variant);
                            queue.add(variant);
                        }
                    }
                }
            }
        }

        /**
         * The object the linker loads for {@code name} on a baseline x86-64 CPU, first; for glibc,
         * followed by the glibc-hwcaps variants a better CPU may load instead.
         */
        private List<Loaded> search(LinkMap map, Loaded obj, String name) {
            if (name.isEmpty()) {
                throw new ImageException(obj.path() + " has an empty DT_NEEDED name");
            }
            if (name.contains("/")) {
                return List.of(candidate(name, obj).orElseThrow(() -> new ImageException(obj.path() + " needs "
                        + name + ", which is not an x86-64 ELF-64 shared object in " + root.path())));
            }
            if (map.musl && map.interpreter != null && muslReserved(name)) {
                return List.of(map.interpreter);
            }
            List<String> dirs = searchDirs(map, obj);
            List<Loaded> variants = new ArrayList<>();
            for (String dir : dirs) {
                if (!map.musl) {
                    // glibc 2.33+ looks in each directory's glibc-hwcaps subdirectories for the levels
                    // the CPU supports before the directory itself (ld.so(8)). The CPU that will run
                    // the image is not known: every variant up to the first plain file goes in.
                    for (String level : ClosureSearchPath.GLIBC_HWCAPS) {
                        candidate(dir + "/glibc-hwcaps/" + level + "/" + name, obj).ifPresent(variants::add);
                    }
                }
                Optional<Loaded> plain = candidate(dir + "/" + name, obj);
                if (plain.isPresent()) {
                    List<Loaded> found = new ArrayList<>();
                    found.add(plain.get());
                    found.addAll(variants);
                    return found;
                }
            }
            if (!variants.isEmpty()) {
                return variants;
            }
            throw new ImageException(obj.path() + " needs " + name + ", which is in none of "
                    + String.join(":", dirs) + " in " + root.path());
        }

        /**
         * musl's dynamic linker is libc and provides these names itself (load_library()'s
         * "reserved" list: libc, libpthread, librt, libm, libdl, libutil, libxnet).
         */
        private static boolean muslReserved(String name) {
            if (!name.startsWith("lib")) {
                return false;
            }
            for (String r : List.of("c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet.")) {
                if (name.startsWith(r, 3)) {
                    return true;
                }
            }
            return false;
        }

        private List<String> searchDirs(LinkMap map, Loaded obj) {
            List<String> dirs = new ArrayList<>();
            if (map.musl) {
                for (Loaded l = obj; l != null; l = l.loader()) {
                    String list = l.elf().runpath() != null ? l.elf().runpath() : l.elf().rpath();
                    if (list != null) {
                        dirs.addAll(ClosureSearchPath.expand(list, l.origin(), false, null));
                    }
                }
                dirs.addAll(muslPath(map.interpreter != null ? map.interpreter.name() : "/lib/ld-musl-x86_64.so.1")
                        .dirs());
                return dirs;
            }
            if (obj.elf().runpath() == null) {
                boolean didMain = false;
                for (Loaded l = obj; l != null; l = l.loader()) {
                    // glibc drops DT_RPATH from an object that also has DT_RUNPATH.
                    if (l.elf().runpath() == null && l.elf().rpath() != null) {
                        dirs.addAll(ClosureSearchPath.expand(l.elf().rpath(), l.origin(), true, lib()));
                    }
                    didMain |= l == map.main;
                }
                Loaded main = map.main;
                if (!didMain && main != null && main.elf().runpath() == null && main.elf().rpath() != null) {
                    dirs.addAll(ClosureSearchPath.expand(main.elf().rpath(), main.origin(), true, lib()));
                }
            } else {
                dirs.addAll(ClosureSearchPath.expand(obj.elf().runpath(), obj.origin(), true, lib()));
            }
            if (ldSoConf == null) {
                ldSoConf = ClosureSearchPath.ldSoConf(root);
            }
            dirs.addAll(ldSoConf);
            dirs.addAll(ClosureSearchPath.GLIBC_DEFAULT);
            return dirs;
        }

        private ClosureSearchPath.MuslPath muslPath(String interpreter) {
            return muslPaths.computeIfAbsent(interpreter, i -> ClosureSearchPath.musl(root, i));
        }

        private String lib() {
            if (lib == null) {
                lib = root.resolve("/lib/x86_64-linux-gnu", true).filter(r -> r.attrs().isDirectory()).isPresent()
                        ? "lib/x86_64-linux-gnu"
                        : "lib64";
            }
            return lib;
        }

        /** The shared object at {@code path}, added to the image, if it is one the linker would load. */
        private Optional<Loaded> candidate(String path, Loaded loader) {
            Optional<Resolved> r = root.resolve(path, true);
            if (r.isEmpty() || !r.get().attrs().isRegularFile()) {
                return Optional.empty();
            }
            Optional<ElfDynamic> elf = elf(r.get().path());
            if (elf.isEmpty() || elf.get().type() != ElfDynamic.ET_DYN) {
                return Optional.empty();
            }
            add(r.get());
            return Optional.of(new Loaded(path.startsWith("/") ? path : "/" + path, r.get().path(), elf.get(),
                    loader));
        }

        private Optional<ElfDynamic> elf(String canonical) {
            return elves.computeIfAbsent(canonical, p -> ElfDynamic.read(root.host(p), p));
        }

        void extra(String path) {
            if (!path.startsWith("/")) {
                throw new ImageException("extra path " + path + " must be absolute");
            }
            Resolved r = root.resolve(path, true).orElseThrow(
                    () -> new ImageException("extra path " + path + " does not exist in " + root.path()));
            add(r);
            if (r.attrs().isDirectory()) {
                walk(r.path());
            } else if (r.attrs().isRegularFile()) {
                extraFile(r.path());
            }
        }

        private void walk(String dir) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> names = Files.newDirectoryStream(root.host(dir))) {
                names.forEach(children::add);
            } catch (IOException e) {
                throw new ImageException("cannot list " + dir + " in " + root.path() + ": " + e.getMessage(), e);
            }
            children.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path child : children) {
                String path = (dir.equals("/") ? "" : dir) + "/" + child.getFileName();
                Resolved r = root.resolve(path, false).orElse(null);
                if (r == null) {
                    continue;
                }
                BasicFileAttributes a = r.attrs();
                if (a.isDirectory()) {
                    add(r);
                    walk(path);
                } else if (a.isRegularFile()) {
                    add(r);
                    extraFile(path);
                } else if (a.isSymbolicLink()) {
                    add(r);
                    root.resolve(path, true).ifPresent(t -> {
                        if (t.attrs().isRegularFile()) {
                            add(t);
                            extraFile(t.path());
                        } else if (t.attrs().isDirectory()) {
                            add(t);
                        }
                    });
                }
            }
        }

        /** An ELF object among the extra files: an executable, or a module dlopen(3)ed by a program. */
        private void extraFile(String path) {
            if (ElfDynamic.probe(root.host(path), path) != ElfDynamic.Kind.X86_64) {
                return;
            }
            Optional<ElfDynamic> elf = elf(path);
            if (elf.isEmpty()) {
                return;
            }
            if (elf.get().interpreter() != null) {
                executable(path, 0);
            } else if (!elf.get().needed().isEmpty()) {
                LinkMap map = firstLinkMap;
                Loaded main = map != null ? map.main : null;
                LinkMap own = new LinkMap(map != null && map.musl, main, map != null ? map.interpreter : null);
                loadAll(own, new Loaded(path, path, elf.get(), main));
            }
        }

        /** Adds a resolved path: the directories and links on the way, the file itself, and its parents. */
        private void add(Resolved r) {
            for (String dir : r.dirs()) {
                addPath(dir);
            }
            for (String link : r.links()) {
                addPath(link);
            }
            addPath(r.path());
        }

        private void addPath(String canonical) {
            if (canonical.equals("/") || entries.containsKey(canonical)) {
                return;
            }
            addPath(ClosureRoot.parent(canonical));
            Path host = root.host(canonical);
            ClosureEntry e;
            try {
                BasicFileAttributes a = Files.readAttributes(host, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    e = new ClosureEntry(canonical, host, Kind.SYMLINK, 0, Files.readSymbolicLink(host).toString());
                } else if (a.isDirectory()) {
                    e = new ClosureEntry(canonical, host, Kind.DIRECTORY, 0, null);
                } else if (a.isRegularFile()) {
                    e = new ClosureEntry(canonical, host, Kind.FILE, a.size(), null);
                } else {
                    return;
                }
            } catch (IOException ex) {
                throw new ImageException("cannot read " + canonical + " in " + root.path() + ": " + ex.getMessage(),
                        ex);
            }
            entries.put(canonical, e);
            progress.advance(1);
        }

        /** The interpreter of a "#!" script (Linux's binfmt_script reads the first line). */
        private static Optional<String> shebang(Path host, String path) {
            byte[] head = new byte[256];
            int n;
            try (var in = Files.newInputStream(host)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                throw new ImageException("cannot read " + path + ": " + e.getMessage(), e);
            }
            if (n < 2 || head[0] != '#' || head[1] != '!') {
                return Optional.empty();
            }
            String line = new String(head, 2, n - 2, StandardCharsets.ISO_8859_1);
            int nl = line.indexOf('\n');
            line = (nl >= 0 ? line.substring(0, nl) : line).strip();
            String interp = line.split("[ \t]+", 2)[0];
            if (interp.isEmpty()) {
                throw new ImageException(path + " starts with #! but names no interpreter");
            }
            return Optional.of(interp);
        }
    }
}
