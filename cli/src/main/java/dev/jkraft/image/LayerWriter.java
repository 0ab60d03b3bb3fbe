package dev.jkraft.image;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a layer: a gzip'd tar of {@link LayerEntry}s, the same bytes for the same files. Entries
 * are sorted by path; missing parent directories are added with mode 0755 and mtime 0; owners are
 * root (uid and gid 0, no names); each entry keeps its permission bits (with setuid, setgid and
 * sticky) and its mtime in whole seconds; symlinks keep their target as written; regular files
 * that are one inode (hard links) are stored once and then as tar hard links; long names use PAX
 * headers.
 */
public final class LayerWriter {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private LayerWriter() {}

    /**
     * Writes the layer of {@code entries} to {@code target} (replaced if present) and returns it,
     * reporting the bytes of file content copied to {@code progress}.
     */
    public static Layer write(List<LayerEntry> entries, Path target, Progress progress) {
        TreeMap<String, Path> byGuestPath = new TreeMap<>();
        for (LayerEntry e : entries) {
            Path old = byGuestPath.put(e.guestPath(), e.hostPath());
            if (old != null && !old.equals(e.hostPath())) {
                throw new ImageException("layer lists /" + e.guestPath() + " twice: from " + old + " and from "
                        + e.hostPath());
            }
        }
        for (String path : List.copyOf(byGuestPath.keySet())) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                byGuestPath.putIfAbsent(path.substring(0, slash), null);
            }
        }
        Map<String, Map<String, Object>> stats = new HashMap<>();
        long total = 0;
        Set<Object> inodes = new HashSet<>();
        for (Map.Entry<String, Path> e : byGuestPath.entrySet()) {
            if (e.getValue() != null) {
                Map<String, Object> st = stat(e.getValue());
                stats.put(e.getKey(), st);
                if ((mode(st) & S_IFMT) == S_IFREG && inodes.add(inode(st))) {
                    total += (Long) st.get("size"); // a hard link's content is stored once
                }
            }
        }
        progress.start("writing layer", total);
        MessageDigest diffId = Digest.sha256();
        MessageDigest digest = Digest.sha256();
        long size;
        try (OutputStream file = Files.newOutputStream(target)) {
            CountingDigestStream compressed = new CountingDigestStream(new BufferedOutputStream(file, 1 << 16), digest);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                    new CountingDigestStream(new GZIPOutputStream(compressed, 1 << 16), diffId),
                    StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true); // as Go's archive/tar (docker) writes them
                Map<Object, String> firstNameOfInode = new HashMap<>();
                for (Map.Entry<String, Path> e : byGuestPath.entrySet()) {
                    if (e.getValue() == null) {
                        TarArchiveEntry dir = new TarArchiveEntry(e.getKey() + "/", TarConstants.LF_DIR);
                        setCommon(dir, 0755, 0);
                        tar.putArchiveEntry(dir);
                        tar.closeArchiveEntry();
                    } else {
                        writeEntry(tar, e.getKey(), e.getValue(), stats.get(e.getKey()), firstNameOfInode, progress);
                    }
                }
            }
            size = compressed.count;
        } catch (IOException e) {
            throw new ImageException("cannot write layer " + target + ": " + e.getMessage(), e);
        } finally {
            progress.done();
        }
        Descriptor descriptor = new Descriptor(MediaTypes.LAYER_TAR_GZIP, Digest.of(digest), size);
        return new Layer(descriptor, Digest.of(diffId), target);
    }

    private static void writeEntry(TarArchiveOutputStream tar, String name, Path host, Map<String, Object> st,
            Map<Object, String> firstNameOfInode, Progress progress) throws IOException {
        int mode = mode(st);
        long mtime = ((FileTime) st.get("lastModifiedTime")).toMillis() / 1000;
        TarArchiveEntry entry;
        switch (mode & S_IFMT) {
            case S_IFDIR -> entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            case S_IFLNK -> {
                entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(host).toString());
            }
            default -> {
                Object inode = inode(st);
                String first = ((Integer) st.get("nlink")) > 1 ? firstNameOfInode.putIfAbsent(inode, name) : null;
                if (first != null) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
                    entry.setLinkName(first);
                } else {
                    entry = new TarArchiveEntry(name);
                    entry.setSize((Long) st.get("size"));
                }
            }
        }
        setCommon(entry, mode & 07777, mtime);
        tar.putArchiveEntry(entry);
        if (entry.getLinkFlag() == TarConstants.LF_NORMAL) {
            copy(host, entry.getSize(), tar, progress);
        }
        tar.closeArchiveEntry();
    }

    private static void setCommon(TarArchiveEntry entry, int permissions, long mtimeSeconds) {
        entry.setMode(permissions); // the type is in the entry's type flag; GNU tar writes no type bits either
        entry.setModTime(mtimeSeconds * 1000);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
    }

    private static void copy(Path host, long size, OutputStream out, Progress progress) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (InputStream in = Files.newInputStream(host, LinkOption.NOFOLLOW_LINKS)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
                progress.advance(n);
            }
            if (left > 0 || in.read() >= 0) {
                throw new ImageException(host + " changed size while it was written into a layer");
            }
        }
    }

    private static Map<String, Object> stat(Path host) {
        Map<String, Object> st;
        try {
            st = Files.readAttributes(host, "unix:mode,dev,ino,nlink,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ImageException("cannot read " + host + " for a layer: " + e.getMessage(), e);
        }
        int type = mode(st) & S_IFMT;
        if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK) {
            throw new ImageException(host + " is a device, fifo or socket; a layer holds directories, files and symlinks");
        }
        return st;
    }

    private static Object inode(Map<String, Object> st) {
        return List.of(st.get("dev"), st.get("ino"));
    }

    private static int mode(Map<String, Object> st) {
        return (Integer) st.get("mode");
    }

    /** Counts and hashes what passes through to the next stream. */
    static final class CountingDigestStream extends FilterOutputStream {
        private final MessageDigest md;
        long count;

        CountingDigestStream(OutputStream out, MessageDigest md) {
            super(out);
            this.md = md;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            md.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            md.update(b, off, len);
            count += len;
        }
    }
}
