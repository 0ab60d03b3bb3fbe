package dev.jkraft.image;

import java.nio.file.Path;

/**
 * One file system object an image needs: what a layer writer puts at {@code guestPath}.
 *
 * @param guestPath absolute, canonical path inside the image ("/usr/lib/x86_64-linux-gnu/libc.so.6");
 *     never "/" itself
 * @param hostPath where to read it: the file, the directory (for its mode and times) or the link
 *     itself (not its target)
 * @param kind what it is
 * @param size bytes of a regular file; 0 for directories and links
 * @param linkTarget a link's target exactly as stored ("usr/lib", "/lib/x86_64-linux-gnu/ld.so"),
 *     or null
 */
public record ClosureEntry(String guestPath, Path hostPath, Kind kind, long size, String linkTarget) {
    public enum Kind {
        DIRECTORY,
        FILE,
        SYMLINK
    }
}
