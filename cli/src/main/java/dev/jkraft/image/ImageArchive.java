package dev.jkraft.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Images in an archive file: an OCI archive (a tar of an OCI layout, as {@code jkraft pkg}
 * writes) or a {@code docker save} archive ({@code manifest.json}), either one plain or gzip'd
 * (found from the first bytes, not the name). Docker 25 and later write both an OCI layout and
 * {@code manifest.json}; the layout is used then.
 *
 * <p>Opening extracts the archive's files into a scratch directory, which {@link #close} deletes;
 * the {@link Image}s it gives point into it, so unpack them before closing. Archive entries that
 * are absolute or escape with ".." are rejected; symlinks and hard links between archive files
 * (old {@code docker save} shares layers that way) are followed inside the archive only.
 */
public final class ImageArchive implements ImageSource, AutoCloseable {
    private static final int MAX_LINKS = 16;

    private final Path archive;
    private final Path dir;
    private final ImageLayout layout;
    private final DockerArchive docker;
    /** Archive path → link: "S:target" for a symlink (relative to its directory), "H:target" for a hard link. */
    private final Map<String, String> links;

    private ImageArchive(Path archive, Path dir, Map<String, String> links) {
        this.archive = archive;
        this.dir = dir;
        this.links = links;
        if (Files.isRegularFile(dir.resolve("oci-layout")) && Files.isRegularFile(dir.resolve("index.json"))) {
            this.layout = ImageLayout.open(dir);
            this.docker = null;
        } else if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            this.layout = null;
            this.docker = new DockerArchive(archive.toString(), ImageLayout.readSmall(dir.resolve("manifest.json")),
                    this::file);
        } else {
            throw new ImageException(archive + " is neither an OCI archive (no oci-layout and index.json) nor a "
                    + "docker save archive (no manifest.json)");
        }
    }

    /** Opens {@code archive}, extracting it into a new directory under {@code scratchParent}. */
    public static ImageArchive open(Path archive, Path scratchParent) {
        return open(archive, scratchParent, Progress.NONE);
    }

    /** As {@link #open(Path, Path)}, reporting the bytes of the archive file read. */
    public static ImageArchive open(Path archive, Path scratchParent, Progress progress) {
        Path dir;
        try {
            Files.createDirectories(scratchParent);
            dir = Files.createTempDirectory(scratchParent, ".archive-");
        } catch (IOException e) {
            throw new ImageException("cannot make a scratch directory in " + scratchParent + ": " + e.getMessage(), e);
        }
        try {
            Map<String, String> links = extract(archive, dir, progress);
            return new ImageArchive(archive, dir, links);
        } catch (RuntimeException e) {
            RootfsCache.deleteTreeQuietly(dir);
            throw e;
        }
    }

    @Override
    public List<String> refs() {
        return layout != null ? layout.refs() : docker.refs();
    }

    @Override
    public Image image(String ref) {
        try {
            return layout != null ? layout.image(ref) : docker.image(ref);
        } catch (ImageException e) {
            throw new ImageException(archive + ": " + e.getMessage().replace(dir.toString(), archive.toString()), e);
        }
    }

    /** Deletes the extracted files. */
    @Override
    public void close() {
        RootfsCache.deleteTreeQuietly(dir);
    }

    private static Map<String, String> extract(Path archive, Path dir, Progress progress) {
        String what = "archive " + archive;
        Map<String, String> links = new HashMap<>();
        int entries = 0;
        try (HashingInputStream file = new HashingInputStream(Files.newInputStream(archive));
                InputStream raw = new BufferedInputStream(file, 1 << 16)) {
            progress.start("reading " + archive.getFileName(), Files.size(archive));
            long reported = 0;
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                entries++;
                progress.advance(file.count - reported);
                reported = file.count;
                List<String> parts = TarPaths.components(e.getName(), what);
                if (parts.isEmpty()) {
                    continue;
                }
                String name = String.join("/", parts);
                Path target = dir.resolve(name);
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    links.put(name, "S:" + e.getLinkName());
                } else if (e.isLink()) {
                    links.put(name, "H:" + e.getLinkName());
                } else if (TarPaths.isRegularFile(e)) {
                    Files.createDirectories(target.getParent());
                    long copied = Files.copy(tar, target);
                    if (copied != e.getSize()) {
                        throw new ImageException(what + " is truncated: entry \"" + e.getName() + "\" has " + copied
                                + " of its " + e.getSize() + " bytes");
                    }
                }
            }
            progress.advance(file.count - reported);
        } catch (NoSuchFileException e) {
            throw new ImageException(archive + " does not exist", e);
        } catch (IOException e) {
            throw new ImageException(what + " is truncated or is not a tar archive: " + e.getMessage(), e);
        } finally {
            progress.done();
        }
        if (entries == 0) {
            throw new ImageException(what + " is empty or is not a tar archive");
        }
        return links;
    }

    /** The extracted file of an archive path, through links between archive files. */
    private Path file(String name) {
        String path = String.join("/", TarPaths.components(name, "archive " + archive));
        for (int i = 0; i < MAX_LINKS && links.containsKey(path); i++) {
            String link = links.get(path);
            String target = link.substring(2);
            if (link.startsWith("S:")) {
                int slash = path.lastIndexOf('/');
                target = (slash < 0 ? "" : path.substring(0, slash + 1)) + target;
            }
            path = resolveDots(target, name);
        }
        return dir.resolve(path);
    }

    /** "a/b/../c" → "a/c"; a link that leaves the archive is an error. */
    private String resolveDots(String path, String name) {
        if (path.startsWith("/")) {
            throw new ImageException("archive " + archive + ": \"" + name + "\" links outside the archive");
        }
        List<String> parts = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new ImageException("archive " + archive + ": \"" + name + "\" links outside the archive");
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(c);
            }
        }
        return String.join("/", parts);
    }
}
