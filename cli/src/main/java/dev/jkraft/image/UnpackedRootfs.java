package dev.jkraft.image;

import java.nio.file.Path;

/**
 * An image's root file system, unpacked in the cache.
 *
 * @param directory the root; do not write to it, other runs share it
 * @param skippedSpecialFiles device, fifo and other special entries the layers had and the root
 *     does not (a guest gets its own {@code /dev})
 * @param reused whether it was already in the cache
 */
public record UnpackedRootfs(Path directory, long skippedSpecialFiles, boolean reused) {}
