package dev.jkraft.image;

import java.util.Set;

/** The media types of OCI and Docker image documents and layers that jkraft reads and writes. */
public final class MediaTypes {
    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** What {@code docker save} (Docker 25 and later) and registries write for the same things. */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    public static final String DOCKER_LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    static final Set<String> INDEXES = Set.of(INDEX, DOCKER_MANIFEST_LIST);
    static final Set<String> MANIFESTS = Set.of(MANIFEST, DOCKER_MANIFEST);
    static final Set<String> CONFIGS = Set.of(CONFIG, DOCKER_CONFIG);
    // Compression is found from the blob's first bytes, so both spellings of tar and tar+gzip are
    // accepted; zstd and foreign (non-distributable) layers are not.
    static final Set<String> LAYERS = Set.of(LAYER_TAR, LAYER_TAR_GZIP, DOCKER_LAYER_TAR, DOCKER_LAYER_TAR_GZIP);

    private MediaTypes() {}
}
