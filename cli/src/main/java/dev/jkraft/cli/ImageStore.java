package dev.jkraft.cli;

import dev.jkraft.image.Image;
import dev.jkraft.image.ImageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images {@code jkraft build} made, in one OCI image layout under the data directory
 * ({@link JkraftDirs#images()}), where {@code jkraft run NAME} and {@code jkraft pkg NAME} look.
 */
final class ImageStore {
    private final Path dir;

    private ImageStore(Path dir) {
        this.dir = dir;
    }

    static ImageStore of(Map<String, String> hostEnv) {
        return new ImageStore(JkraftDirs.from(hostEnv).images());
    }

    private ImageLayout layout(boolean create) {
        if (Files.isRegularFile(dir.resolve("oci-layout"))) {
            return ImageLayout.open(dir);
        }
        return create ? ImageLayout.create(dir) : null;
    }

    /** Adds (or re-tags) {@code image}, copying its layers; its config and manifest are written anew. */
    void add(Image image) {
        layout(true).importImage(image, image.ref());
    }

    /** The stored image {@code ref} answers (NAME means NAME:latest), if any. */
    Optional<Image> find(String ref) {
        String wanted = ref.contains(":") ? ref : ref + ":latest";
        if (!mentions(wanted)) {
            return Optional.empty();
        }
        ImageLayout layout = layout(false);
        if (layout == null) {
            return Optional.empty();
        }
        // A ref the index lacks is no image; a damaged image behind a ref it has is an error.
        return layout.refs().contains(wanted) ? Optional.of(layout.image(wanted)) : Optional.empty();
    }

    /**
     * Whether the index names {@code ref} at all, read as plain text: every {@code jkraft run
     * NAME} of a program asks, and this keeps the JSON reader off that path. Refs are JSON
     * strings without escapes, so a ref the index holds appears verbatim in quotes.
     */
    private boolean mentions(String ref) {
        try {
            return Files.readString(dir.resolve("index.json")).contains("\"" + ref + "\"");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    List<String> refs() {
        ImageLayout layout = layout(false);
        return layout == null ? List.of() : layout.refs();
    }

    ImageLayout layout() {
        ImageLayout layout = layout(false);
        if (layout == null) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "no images yet: jkraft build makes them");
        }
        return layout;
    }
}
