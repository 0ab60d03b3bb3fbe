package dev.jkraft.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One file to put in a layer: {@code hostPath} (a directory, regular file or symlink, looked at
 * without following links) becomes {@code guestPath} in the image. A directory entry is the
 * directory alone; {@link #tree} lists a whole tree.
 *
 * @param guestPath absolute or relative path in the image; "/usr/bin/redis-server"
 * @param hostPath the file on this machine
 */
public record LayerEntry(String guestPath, Path hostPath) {
    public LayerEntry {
        guestPath = TarPaths.normalize(guestPath);
        if (guestPath.isEmpty()) {
            throw new ImageException("layer entry for " + hostPath + " has no guest path");
        }
    }

    /**
     * Entries for {@code hostDir}'s contents (not following symlinks), each placed at {@code
     * guestDir} plus its path relative to {@code hostDir}; {@code guestDir} "/" makes the tree the
     * image's root.
     */
    public static List<LayerEntry> tree(Path hostDir, String guestDir) {
        if (!Files.isDirectory(hostDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException(hostDir + " is not a directory");
        }
        String prefix = TarPaths.normalize(guestDir);
        List<LayerEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(hostDir)) {
            walk.forEach(p -> {
                String rel = hostDir.relativize(p).toString();
                if (rel.isEmpty()) {
                    if (!prefix.isEmpty()) {
                        entries.add(new LayerEntry(prefix, p));
                    }
                } else {
                    entries.add(new LayerEntry(prefix.isEmpty() ? rel : prefix + "/" + rel, p));
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new ImageException("cannot list " + hostDir + ": " + e.getMessage(), e);
        }
        return entries;
    }
}
