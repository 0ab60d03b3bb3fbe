package dev.jkraft.image;

/**
 * An OCI content descriptor: what a manifest or index says about a blob it points to.
 *
 * @param mediaType e.g. {@link MediaTypes#LAYER_TAR_GZIP}
 * @param digest the blob's sha256
 * @param size the blob's size in bytes
 */
public record Descriptor(String mediaType, Digest digest, long size) {}
