package dev.jkraft.image;

import java.nio.file.Path;

/**
 * One layer of an image: its blob and the digest of its uncompressed tar.
 *
 * @param descriptor the blob as the manifest lists it
 * @param diffId sha256 of the uncompressed tar, as the config's {@code rootfs.diff_ids} lists it
 * @param blob where the blob is on this machine; valid while the layout or archive it came from is
 *     open
 */
public record Layer(Descriptor descriptor, Digest diffId, Path blob) {}
