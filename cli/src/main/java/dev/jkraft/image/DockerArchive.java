package dev.jkraft.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The images of an unpacked {@code docker save} archive: {@code manifest.json} lists, for each
 * image, its {@code Config} file, {@code RepoTags} and {@code Layers} files (paths in the archive).
 * Docker before 25 names them {@code <id>.json} and {@code <id>/layer.tar}; Docker 25 and later
 * {@code blobs/sha256/<hex>}. Where a file's name is its digest, the digest is checked.
 */
final class DockerArchive {
    private static final Pattern DIGEST_NAME = Pattern.compile("(?:^|/)(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?$");

    /** Where a file named in {@code manifest.json} is in the unpacked archive. */
    interface ArchiveFiles {
        Path file(String nameInArchive);
    }

    private final String archive;
    private final JsonNode manifest;
    private final ArchiveFiles files;

    DockerArchive(String archive, byte[] manifestJson, ArchiveFiles files) {
        this.archive = archive;
        this.manifest = ImageJson.parse(manifestJson, archive + ": manifest.json");
        this.files = files;
        if (!manifest.isArray()) {
            throw new ImageException(archive + ": manifest.json is not a list of images");
        }
    }

    List<String> refs() {
        List<String> refs = new ArrayList<>();
        for (JsonNode m : manifest) {
            m.path("RepoTags").forEach(t -> refs.add(t.asString("")));
        }
        refs.sort(null);
        return refs;
    }

    Image image(String ref) {
        List<JsonNode> found = new ArrayList<>();
        String tag = null;
        for (JsonNode m : manifest) {
            if (ref == null) {
                found.add(m);
                continue;
            }
            for (JsonNode t : m.path("RepoTags")) {
                if (ImageRef.matches(t.asString(""), ref)) {
                    found.add(m);
                    tag = t.asString("");
                    break;
                }
            }
        }
        if (found.size() != 1) {
            String what = ref == null ? "holds " + manifest.size() + " images; name one" : (found.isEmpty()
                    ? "has no image \"" + ref + "\"" : "has " + found.size() + " images called \"" + ref + "\"");
            throw new ImageException(archive + " " + what + " (it has: " + String.join(", ", refs()) + ")");
        }
        JsonNode m = found.get(0);
        if (tag == null && m.path("RepoTags").size() > 0) {
            tag = m.path("RepoTags").get(0).asString("");
        }
        return image(m, tag);
    }

    private Image image(JsonNode m, String tag) {
        String configName = m.path("Config").asString("");
        Path configFile = existing(configName, "config");
        byte[] configBytes = ImageLayout.readSmall(configFile);
        Digest configDigest = Digest.of(configBytes);
        checkName(configName, configDigest, "config");
        String what = archive + ": config " + configName;
        JsonNode config = ImageJson.parse(configBytes, what);
        List<Digest> diffIds = ImageJson.diffIds(config, what);
        JsonNode layerNames = m.path("Layers");
        if (!layerNames.isArray() || layerNames.size() != diffIds.size()) {
            throw new ImageException(archive + ": manifest.json lists " + layerNames.size() + " layers but config "
                    + configName + " has " + diffIds.size() + " diff_ids");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            String name = layerNames.get(i).asString("");
            Path blob = existing(name, "layer");
            try {
                boolean gzip = isGzip(blob);
                Matcher named = DIGEST_NAME.matcher(name);
                // A legacy <id>/layer.tar is uncompressed: its digest is its diff_id, checked when unpacked.
                Digest digest = name.startsWith("blobs/sha256/") && named.find() ? new Digest(named.group(1))
                        : gzip ? Digest.ofFile(blob) : diffIds.get(i);
                String type = gzip ? MediaTypes.DOCKER_LAYER_TAR_GZIP : MediaTypes.DOCKER_LAYER_TAR;
                layers.add(new Layer(new Descriptor(type, digest, Files.size(blob)), diffIds.get(i), blob));
            } catch (IOException e) {
                throw new ImageException(archive + ": cannot read layer " + name + ": " + e.getMessage(), e);
            }
        }
        return new Image(tag == null ? null : ImageRef.normalize(tag), null, configDigest,
                ImageJson.runConfig(config, what), layers);
    }

    private Path existing(String name, String kind) {
        Path p = name.isEmpty() ? null : files.file(name);
        if (p == null || !Files.isRegularFile(p)) {
            throw new ImageException(archive + ": " + kind + " \"" + name + "\" named in manifest.json is missing");
        }
        return p;
    }

    private void checkName(String name, Digest actual, String kind) {
        Matcher named = DIGEST_NAME.matcher(name);
        if (named.find() && !named.group(1).equals(actual.hex())) {
            throw new ImageException(archive + ": " + kind + " " + name + " is corrupted: its digest is " + actual);
        }
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        }
    }
}
