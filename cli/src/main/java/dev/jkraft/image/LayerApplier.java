package dev.jkraft.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies layers, lowest first, to a root file system directory that nobody else is writing
 * (image-spec layer.md, "Applying Changesets"): {@code .wh.NAME} removes NAME, {@code
 * .wh..wh..opq} empties its directory of what lower layers put there, other entries replace what
 * is at their path. Each blob's digest and diff_id are checked while it is read.
 *
 * <p>Nothing is written outside the root: absolute names and ".." are rejected, an entry whose
 * parent path goes through a symlink already in the root is rejected rather than followed, and a
 * hard link must name an entry inside the root (reached without symlinks). Devices and fifos are
 * skipped and counted. Ownership is not kept (the files belong to whoever runs jkraft); permission
 * bits including setuid, setgid and sticky are, and directories get theirs in {@link #finish}, so
 * a read-only directory can still be filled by a later layer.
 */
final class LayerApplier {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String AUFS_META = ".wh..wh.";

    private final Path root;
    /** Directory path → {mode, mtime in ms or -1}, applied at the end. */
    private final TreeMap<String, long[]> dirs = new TreeMap<>();
    private long skipped;

    LayerApplier(Path root) {
        this.root = root;
    }

    /** Devices, fifos and other special entries left out so far. */
    long skipped() {
        return skipped;
    }

    void apply(Layer layer, Progress progress) {
        String what = "layer " + layer.descriptor().digest();
        Set<String> thisLayer = new HashSet<>();
        HashingInputStream blob = null;
        HashingInputStream tarBytes;
        try (InputStream file = Files.newInputStream(layer.blob())) {
            blob = new HashingInputStream(new BufferedInputStream(file, 1 << 16), layer.descriptor().size() + 1);
            try {
                PushbackInputStream peek = new PushbackInputStream(blob, 2);
                byte[] magic = peek.readNBytes(2);
                peek.unread(magic);
                boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
                tarBytes = new HashingInputStream(gzip ? new GZIPInputStream(peek, 1 << 16) : peek);
                TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, StandardCharsets.UTF_8.name());
                long reported = 0;
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                    extract(e, tar, what, thisLayer);
                    progress.advance(blob.count - reported);
                    reported = blob.count;
                }
                tarBytes.transferTo(OutputStream.nullOutputStream());
                blob.transferTo(OutputStream.nullOutputStream());
                progress.advance(blob.count - reported);
            } catch (IOException | ImageException x) {
                // A corrupted blob can fail in many ways before its digest is known; say it is
                // corrupted rather than what the garbage looked like.
                blob.transferTo(OutputStream.nullOutputStream());
                String bad = blobMismatch(blob, layer);
                if (bad != null) {
                    throw new ImageException(what + " is corrupted: " + bad + " (" + layer.blob() + ")", x);
                }
                throw x;
            }
        } catch (NoSuchFileException e) {
            throw new ImageException(what + " is missing: " + layer.blob(), e);
        } catch (IOException e) {
            throw new ImageException(what + " is truncated or corrupted (" + layer.blob() + "): " + e.getMessage(), e);
        }
        String bad = blobMismatch(blob, layer);
        if (bad != null) {
            throw new ImageException(what + " is corrupted: " + bad + " (" + layer.blob() + ")");
        }
        Digest diffId = Digest.of(tarBytes.md);
        if (!diffId.equals(layer.diffId())) {
            throw new ImageException(what + " is corrupted: its uncompressed tar is " + diffId
                    + ", but the image config says diff_id " + layer.diffId());
        }
    }

    /** What is wrong with a fully read blob, or null if its size and digest are right. */
    private static String blobMismatch(HashingInputStream blob, Layer layer) {
        if (blob.count != layer.descriptor().size()) {
            return "it is " + blob.count + " bytes, not " + layer.descriptor().size();
        }
        return Digest.of(blob.md).equals(layer.descriptor().digest()) ? null : "its digest does not match";
    }

    /** Gives directories their modes and mtimes, deepest first. */
    void finish() throws IOException {
        for (var e : dirs.descendingMap().entrySet()) {
            Path dir = e.getKey().isEmpty() ? root : root.resolve(e.getKey());
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            setMode(dir, (int) e.getValue()[0]);
            if (e.getValue()[1] >= 0) {
                Files.getFileAttributeView(dir, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.fromMillis(e.getValue()[1]), null, null);
            }
        }
    }

    private void extract(TarArchiveEntry e, InputStream content, String what, Set<String> thisLayer)
            throws IOException {
        List<String> parts = TarPaths.components(e.getName(), what);
        if (parts.isEmpty()) {
            if (e.isDirectory()) {
                dirs.put("", new long[] {e.getMode() & 07777, e.getModTime().getTime()});
            }
            return;
        }
        String name = parts.get(parts.size() - 1);
        for (int i = 0; i < parts.size(); i++) {
            boolean opaqueMarker = i == parts.size() - 1 && name.equals(OPAQUE);
            if (parts.get(i).startsWith(AUFS_META) && !opaqueMarker) {
                return; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): docker skips it too
            }
        }
        boolean whiteout = name.startsWith(WHITEOUT);
        Path parent = parentDir(parts, e, what, whiteout ? null : thisLayer);
        if (parent == null) {
            return; // a whiteout in a directory no lower layer made: nothing to hide
        }
        String parentRel = String.join("/", parts.subList(0, parts.size() - 1));
        if (name.equals(OPAQUE)) {
            makeOpaque(parent, parentRel, thisLayer);
            return;
        }
        if (whiteout) {
            String hidden = name.substring(WHITEOUT.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw new ImageException(what + " has a bad whiteout \"" + e.getName() + "\"");
            }
            remove(parent.resolve(hidden), join(parentRel, hidden));
            return;
        }
        String rel = String.join("/", parts);
        Path target = parent.resolve(name);
        thisLayer.add(rel);
        BasicFileAttributes old = attributes(target);
        if (e.isDirectory()) {
            if (old == null || !old.isDirectory()) {
                if (old != null) {
                    remove(target, rel);
                }
                Files.createDirectory(target);
            }
            dirs.put(rel, new long[] {e.getMode() & 07777, e.getModTime().getTime()});
            return;
        }
        if (!e.isSymbolicLink() && !e.isLink() && !TarPaths.isRegularFile(e)) {
            skipped++; // character and block devices, fifos: a guest of jkraft gets its own /dev
            return;
        }
        if (old != null) {
            remove(target, rel);
        }
        if (e.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Path source = existingEntry(e.getLinkName(), e.getName(), what);
            try {
                Files.createLink(target, source);
            } catch (IOException x) {
                throw new ImageException(what + ": cannot make hard link \"" + e.getName() + "\" to \""
                        + e.getLinkName() + "\": " + x.getMessage(), x);
            }
            return; // the link shares its source's mode and mtime
        } else {
            Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
            setMode(target, e.getMode() & 07777);
        }
        try {
            Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(e.getModTime().getTime()), null, null);
        } catch (IOException x) {
            // Some file systems cannot set a symlink's mtime; the guest seldom asks.
        }
    }

    /**
     * The parent directory of an entry, reached without following symlinks. For an entry to make
     * ({@code thisLayer} not null) missing directories are made and counted as this layer's; for a
     * whiteout a missing directory gives null. Directories made up get mode 0755 and the entry's
     * mtime.
     */
    private Path parentDir(List<String> parts, TarArchiveEntry e, String what, Set<String> thisLayer)
            throws IOException {
        String entry = e.getName();
        Path dir = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            dir = dir.resolve(parts.get(i));
            String rel = String.join("/", parts.subList(0, i + 1));
            if (thisLayer != null) {
                thisLayer.add(rel);
            }
            BasicFileAttributes a = attributes(dir);
            if (a == null && thisLayer == null) {
                return null;
            } else if (a == null) {
                Files.createDirectory(dir);
                // Made up, as docker does; the entry's mtime keeps the unpacked tree the same each time.
                dirs.putIfAbsent(rel, new long[] {0755, e.getModTime().getTime()});
            } else if (a.isSymbolicLink()) {
                throw new ImageException(what + ": entry \"" + entry + "\" would be written through the symlink \""
                        + rel + "\"; jkraft does not follow symlinks while unpacking");
            } else if (!a.isDirectory()) {
                throw new ImageException(what + ": entry \"" + entry + "\" is under \"" + rel
                        + "\", which is not a directory");
            }
        }
        return dir;
    }

    /** The target of a hard link: an entry already in the root, reached without symlinks. */
    private Path existingEntry(String linkName, String entry, String what) throws IOException {
        List<String> parts;
        try {
            parts = TarPaths.components(linkName, what);
        } catch (ImageException x) {
            throw new ImageException(what + ": hard link \"" + entry + "\" points outside the image: \"" + linkName
                    + "\"", x);
        }
        Path p = root;
        for (int i = 0; i < parts.size(); i++) {
            p = p.resolve(parts.get(i));
            BasicFileAttributes a = attributes(p);
            boolean last = i == parts.size() - 1;
            if (a == null || !last && !a.isDirectory() || last && a.isDirectory()) {
                throw new ImageException(what + ": hard link \"" + entry + "\" points to \"" + linkName
                        + "\", which is not a file already in the image");
            }
        }
        if (parts.isEmpty()) {
            throw new ImageException(what + ": hard link \"" + entry + "\" points to the root");
        }
        return p;
    }

    /** Removes what lower layers put in {@code dir}, keeping what this layer made. */
    private void makeOpaque(Path dir, String rel, Set<String> thisLayer) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        }
        for (Path child : children) {
            String childRel = join(rel, child.getFileName().toString());
            if (!thisLayer.contains(childRel)) {
                remove(child, childRel);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                makeOpaque(child, childRel, thisLayer);
            }
        }
    }

    private void remove(Path p, String rel) throws IOException {
        RootfsCache.deleteTree(p);
        dirs.remove(rel);
        dirs.subMap(rel + "/", rel + "0").clear(); // '0' follows '/': everything under rel
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** chmod; the JDK's "unix:mode" keeps setuid, setgid and sticky, PosixFilePermission cannot. */
    static void setMode(Path p, int mode) throws IOException {
        try {
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            Set<PosixFilePermission> perms = new HashSet<>();
            PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
            for (int i = 0; i < 9; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    perms.add(order[i]);
                }
            }
            Files.setPosixFilePermissions(p, perms);
        }
    }
}
