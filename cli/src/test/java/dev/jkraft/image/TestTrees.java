package dev.jkraft.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Trees to put in layers, their snapshots for comparison, and hand-made tars for bad layers. */
final class TestTrees {
    static final String LONG = "a-name-longer-than-the-hundred-bytes-of-a-ustar-header-"
            + "so-it-needs-a-pax-header-0123456789-0123456789-0123456789";

    private TestTrees() {}

    /** A tree with files, dirs, symlinks, exec and setuid bits, a hard link and long names. */
    static void sample(Path root) throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc/deep/" + LONG));
        Files.createDirectories(root.resolve("var/empty"));
        write(root.resolve("bin/tool"), "#!/bin/sh\necho hi\n", 0755);
        write(root.resolve("bin/suid"), "suid", 04755);
        write(root.resolve("etc/conf"), "key=value\n", 0644);
        write(root.resolve("etc/secret"), "s", 0600);
        write(root.resolve("etc/deep/" + LONG + "/" + LONG + ".txt"), "long", 0444);
        Files.createLink(root.resolve("bin/tool-again"), root.resolve("bin/tool"));
        Files.createSymbolicLink(root.resolve("bin/link"), Path.of("tool"));
        Files.createSymbolicLink(root.resolve("lib64"), Path.of("/lib/x86_64-linux-gnu"));
        Files.createSymbolicLink(root.resolve("etc/" + LONG), Path.of("deep/" + LONG + "/" + LONG + ".txt"));
        LayerApplier.setMode(root.resolve("var/empty"), 0700);
        // Fixed, distinct mtimes, directories last so that their own mtime sticks.
        long t = 1_600_000_000_000L;
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = new ArrayList<>(walk.filter(p -> !p.equals(root)).toList());
        }
        all.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : all) {
            if (!Files.isSymbolicLink(p)) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(t += 1000));
            }
        }
    }

    static void write(Path file, String content, int mode) throws IOException {
        Files.writeString(file, content);
        LayerApplier.setMode(file, mode);
    }

    /** Path → type, mode, mtime (seconds), content or link target, inode group; root excluded. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> inodes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> !p.equals(root)).sorted().toList()) {
                String rel = root.relativize(p).toString();
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    out.put(rel, "symlink -> " + Files.readSymbolicLink(p));
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                String what = (a.isDirectory() ? "dir" : "file") + " " + Integer.toOctalString(mode) + " "
                        + a.lastModifiedTime().toMillis() / 1000;
                if (a.isRegularFile()) {
                    what += " " + Files.readString(p) + " linked-with " + inodes.putIfAbsent(a.fileKey(), rel);
                }
                out.put(rel, what);
            }
        }
        return out;
    }

    /** One entry of a hand-made tar. */
    record Entry(String name, byte type, String linkOrContent, int mode) {
        static Entry dir(String name) {
            return new Entry(name, TarConstants.LF_DIR, null, 0755);
        }

        static Entry file(String name, String content) {
            return new Entry(name, TarConstants.LF_NORMAL, content, 0644);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, TarConstants.LF_SYMLINK, target, 0777);
        }

        static Entry hardlink(String name, String target) {
            return new Entry(name, TarConstants.LF_LINK, target, 0644);
        }

        static Entry charDevice(String name) {
            return new Entry(name, TarConstants.LF_CHR, null, 0666);
        }
    }

    /** A tar of {@code entries}, exactly as given (no checks: bad names are the point). */
    static byte[] tar(Entry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(e.name(), e.type(), true);
                te.setMode(e.mode());
                te.setModTime(1_600_000_000_000L);
                byte[] content = new byte[0];
                if (e.type() == TarConstants.LF_SYMLINK || e.type() == TarConstants.LF_LINK) {
                    te.setLinkName(e.linkOrContent());
                } else if (e.type() == TarConstants.LF_NORMAL) {
                    content = e.linkOrContent().getBytes(StandardCharsets.UTF_8);
                    te.setSize(content.length);
                }
                tar.putArchiveEntry(te);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A hand-made layer stored as a blob of {@code layout}. */
    static Layer layer(ImageLayout layout, byte[] tar) {
        Descriptor d = layout.writeBlob(gzip(tar), MediaTypes.LAYER_TAR_GZIP);
        return new Layer(d, Digest.of(tar), layout.blobPath(d.digest()));
    }

    static ImageConfig config(String... entrypoint) {
        return new ImageConfig(List.of(entrypoint), List.of("--flag"), List.of("PATH=/bin", "A=1"), "/work",
                List.of("6379/tcp"), Map.of("dev.jkraft.memory", "64M"));
    }

    /** Everything under {@code dir} (names only), to show nothing was left behind. */
    static List<String> list(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** A Progress that remembers what it was told. */
    static final class Recorder implements Progress {
        long total = -2;
        long advanced;
        int done;

        @Override
        public void start(String step, long total) {
            this.total = total;
        }

        @Override
        public void advance(long amount) {
            advanced += amount;
        }

        @Override
        public void done() {
            done++;
        }
    }
}
