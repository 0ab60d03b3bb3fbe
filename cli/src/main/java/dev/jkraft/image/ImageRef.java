package dev.jkraft.image;

/**
 * Image references as jkraft stores and looks them up. An index entry's
 * {@code org.opencontainers.image.ref.name} holds the whole reference, "redis:latest" (as skopeo
 * and docker's containerd store do in {@code io.containerd.image.name}); a lookup of "redis" means
 * "redis:latest", and "docker.io/library/redis" is the same as "redis".
 */
final class ImageRef {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String CONTAINERD_NAME = "io.containerd.image.name";

    private ImageRef() {}

    /** "redis:latest" for "redis", "docker.io/library/redis:latest" or "redis:latest". */
    static String normalize(String ref) {
        String r = ref.trim();
        if (r.startsWith("docker.io/")) {
            r = r.substring("docker.io/".length());
        }
        if (r.startsWith("library/")) {
            r = r.substring("library/".length());
        }
        int slash = r.lastIndexOf('/');
        if (r.indexOf('@') < 0 && r.indexOf(':', slash + 1) < 0) {
            r = r + ":latest";
        }
        return r;
    }

    /** Whether a stored name (ref.name or containerd name) answers a lookup of {@code wanted}. */
    static boolean matches(String stored, String wanted) {
        if (stored == null) {
            return false;
        }
        // A foreign layout may keep just the tag in ref.name ("latest"); look it up as it is.
        return stored.equals(wanted) || normalize(stored).equals(normalize(wanted));
    }
}
