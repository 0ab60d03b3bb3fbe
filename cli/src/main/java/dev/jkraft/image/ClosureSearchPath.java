package dev.jkraft.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * The directories the dynamic linkers search after an object's own RPATH and RUNPATH: glibc's
 * (ld.so.conf, as ldconfig reads it into ld.so.cache, then the built-in directories) and musl's
 * (its {@code etc/ld-musl-x86_64.path} file, else its default), plus the expansion of the
 * dynamic string tokens in RPATH and RUNPATH.
 */
final class ClosureSearchPath {
    /**
     * glibc's built-in directories, after ld.so.conf; the multiarch pair is where Debian and
     * Ubuntu keep their libraries (their glibc is built to search it).
     */
    static final List<String> GLIBC_DEFAULT = List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
    /** musl's search path when its path file does not exist (ldso/dynlink.c). */
    static final List<String> MUSL_DEFAULT = List.of("/lib", "/usr/local/lib", "/usr/lib");
    /** glibc-hwcaps subdirectory names for x86-64, best first. */
    static final List<String> GLIBC_HWCAPS = List.of("x86-64-v4", "x86-64-v3", "x86-64-v2");
    /** {@code $PLATFORM} on x86-64 (AT_PLATFORM). */
    static final String PLATFORM = "x86_64";

    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    private ClosureSearchPath() {}

    /**
     * The directories of {@code /etc/ld.so.conf} in the root, in order, following {@code include}
     * lines (globs; relative ones from the including file's directory) the way ldconfig does;
     * {@code hwcap} lines and comments are ignored. Empty if there is no ld.so.conf.
     */
    static List<String> ldSoConf(ClosureRoot root) {
        Set<String> dirs = new LinkedHashSet<>();
        readConf(root, "/etc/ld.so.conf", dirs, 0);
        return List.copyOf(dirs);
    }

    private static void readConf(ClosureRoot root, String guestPath, Set<String> dirs, int depth) {
        if (depth > MAX_INCLUDE_DEPTH) {
            throw new ImageException(guestPath + " in " + root.path() + ": ld.so.conf includes nest deeper than "
                    + MAX_INCLUDE_DEPTH + " levels (an include loop?)");
        }
        Optional<String> text = readText(root, guestPath);
        if (text.isEmpty()) {
            return;
        }
        String dir = ClosureRoot.parent(guestPath);
        for (String raw : text.get().split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("[\\s]+");
            if (words[0].equals("include")) {
                for (int i = 1; i < words.length; i++) {
                    String pattern = words[i].startsWith("/") ? words[i] : dir + "/" + words[i];
                    for (String file : glob(root, pattern)) {
                        readConf(root, file, dirs, depth + 1);
                    }
                }
            } else if (!words[0].equals("hwcap")) {
                // Old ldconfig accepted several directories on a line, split by blanks, ':' or ','.
                for (String d : line.split("[\\s:,]+")) {
                    if (d.startsWith("/")) {
                        dirs.add(stripTrailingSlashes(d));
                    }
                }
            }
        }
    }

    /**
     * The musl search path: the lines and colon-separated items of
     * {@code <prefix>/etc/ld-musl-x86_64.path}, where prefix is the interpreter's directory's
     * parent (empty for /lib/ld-musl-x86_64.so.1), or musl's default if the file is missing.
     *
     * @return the directories, and the path file's guest path if it exists (the image needs it)
     */
    static MuslPath musl(ClosureRoot root, String interpreter) {
        String prefix = "";
        int last = interpreter.lastIndexOf('/');
        if (interpreter.startsWith("/") && last > 0) {
            prefix = interpreter.substring(0, interpreter.lastIndexOf('/', last - 1) + 1);
            prefix = stripTrailingSlashes(prefix);
            if (prefix.equals("/")) {
                prefix = "";
            }
        }
        String file = prefix + "/etc/ld-musl-x86_64.path";
        Optional<String> text = readText(root, file);
        if (text.isEmpty()) {
            return new MuslPath(MUSL_DEFAULT, null);
        }
        List<String> dirs = new ArrayList<>();
        for (String d : text.get().split("[:\n]")) {
            if (!d.isEmpty()) {
                dirs.add(d);
            }
        }
        return new MuslPath(dirs, file);
    }

    record MuslPath(List<String> dirs, String file) {}

    /**
     * Splits an RPATH or RUNPATH into directories and expands its dynamic string tokens:
     * {@code $ORIGIN} to {@code origin} (both linkers), {@code $LIB} and {@code $PLATFORM} (glibc
     * only). musl ignores a whole list that has any other '$' (fixup_rpath()). Empty items are
     * dropped.
     *
     * @param lib what {@code $LIB} becomes ("lib/x86_64-linux-gnu" or "lib64")
     */
    static List<String> expand(String list, String origin, boolean glibc, String lib) {
        List<String> out = new ArrayList<>();
        if (!glibc && list.replace("${ORIGIN}", "").replace("$ORIGIN", "").indexOf('$') >= 0) {
            return out;
        }
        for (String item : list.split(":")) {
            if (item.isEmpty()) {
                continue;
            }
            // musl replaces "$ORIGIN" wherever it starts; glibc only as a whole token.
            String d = glibc ? replaceToken(item, "ORIGIN", origin)
                    : item.replace("${ORIGIN}", origin).replace("$ORIGIN", origin);
            if (glibc) {
                d = replaceToken(d, "LIB", lib);
                d = replaceToken(d, "PLATFORM", PLATFORM);
            }
            out.add(d);
        }
        return out;
    }

    private static String replaceToken(String s, String token, String value) {
        return s.replace("${" + token + "}", value).replaceAll("\\$" + token + "(?![A-Za-z0-9_])",
                Matcher.quoteReplacement(value));
    }

    /** Files matching a glob of guest paths (wildcards in any component), sorted as glob(3) does. */
    static List<String> glob(ClosureRoot root, String pattern) {
        List<String> current = List.of("/");
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            TreeSet<String> next = new TreeSet<>();
            boolean wild = part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0;
            for (String dir : current) {
                String base = dir.equals("/") ? "" : dir;
                if (!wild) {
                    next.add(base + "/" + part);
                    continue;
                }
                Optional<ClosureRoot.Resolved> r = root.resolve(dir, true);
                if (r.isEmpty() || !r.get().attrs().isDirectory()) {
                    continue;
                }
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part.replace("{", "\\{"));
                try (DirectoryStream<Path> names = Files.newDirectoryStream(r.get().host())) {
                    for (Path n : names) {
                        String name = n.getFileName().toString();
                        // glob(3) without GLOB_PERIOD: a wildcard does not match a leading dot.
                        if (m.matches(n.getFileName()) && !(name.startsWith(".") && !part.startsWith("."))) {
                            next.add(base + "/" + name);
                        }
                    }
                } catch (IOException e) {
                    continue;
                }
            }
            current = List.copyOf(next);
        }
        return current;
    }

    private static Optional<String> readText(ClosureRoot root, String guestPath) {
        Optional<ClosureRoot.Resolved> r = root.resolve(guestPath, true);
        if (r.isEmpty() || !r.get().attrs().isRegularFile()) {
            return Optional.empty();
        }
        if (r.get().attrs().size() > MAX_CONFIG_BYTES) {
            throw new ImageException(guestPath + " in " + root.path() + " is over " + MAX_CONFIG_BYTES
                    + " bytes; not a linker configuration file");
        }
        try {
            return Optional.of(Files.readString(r.get().host(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new ImageException("cannot read " + guestPath + " in " + root.path() + ": " + e.getMessage(), e);
        }
    }

    private static String stripTrailingSlashes(String d) {
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }
}
