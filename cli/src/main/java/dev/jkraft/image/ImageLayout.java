package dev.jkraft.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OCI image layout directory (image-spec image-layout.md): {@code oci-layout}, {@code
 * index.json} and {@code blobs/sha256/<hex>}. Blobs are written to a temporary file and moved into
 * place, and never rewritten once present. Each image is one entry of {@code index.json} whose
 * {@code org.opencontainers.image.ref.name} annotation is the whole reference, "redis:latest" (a
 * reference without a tag gets ":latest"); adding a reference again replaces its entry.
 */
public final class ImageLayout implements ImageSource {
    private static final String LAYOUT_FILE = "oci-layout";
    private static final String LAYOUT_JSON = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private static final long MAX_DOCUMENT = 16 << 20;

    private final Path dir;

    private ImageLayout(Path dir) {
        this.dir = dir;
    }

    /** Opens the layout at {@code dir}, creating an empty one if the directory is missing or empty. */
    public static ImageLayout create(Path dir) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            writeIfAbsent(dir.resolve(LAYOUT_FILE), LAYOUT_JSON.getBytes(StandardCharsets.UTF_8));
            writeIfAbsent(dir.resolve("index.json"), ImageJson.bytes(emptyIndex()));
        } catch (IOException e) {
            throw new ImageException("cannot create an OCI layout in " + dir + ": " + e.getMessage(), e);
        }
        return open(dir);
    }

    /** Opens an existing layout; an {@link ImageException} if {@code dir} is not one. */
    public static ImageLayout open(Path dir) {
        Path layoutFile = dir.resolve(LAYOUT_FILE);
        if (!Files.isRegularFile(layoutFile)) {
            throw new ImageException(dir + " is not an OCI image layout: it has no oci-layout file");
        }
        JsonNode layout = ImageJson.parse(readSmall(layoutFile), layoutFile.toString());
        String version = layout.path("imageLayoutVersion").asString("");
        if (!version.startsWith("1.")) {
            throw new ImageException(layoutFile + " has imageLayoutVersion \"" + version + "\"; jkraft reads 1.x");
        }
        return new ImageLayout(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Where the blob {@code digest} is, or would be. */
    public Path blobPath(Digest digest) {
        return dir.resolve("blobs/sha256").resolve(digest.hex());
    }

    /** Writes a layer of {@code entries} into the layout's blobs (see {@link LayerWriter}). */
    public Layer writeLayer(List<LayerEntry> entries, Progress progress) {
        Path tmp = tempBlob();
        try {
            Layer layer = LayerWriter.write(entries, tmp, progress);
            Path blob = moveIntoPlace(tmp, layer.descriptor().digest());
            return new Layer(layer.descriptor(), layer.diffId(), blob);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Stores {@code content} as a blob and returns its descriptor. */
    public Descriptor writeBlob(byte[] content, String mediaType) {
        Digest digest = Digest.of(content);
        if (!Files.exists(blobPath(digest))) {
            Path tmp = tempBlob();
            try {
                Files.write(tmp, content);
                moveIntoPlace(tmp, digest);
            } catch (IOException e) {
                throw new ImageException("cannot write blob " + digest + " in " + dir + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
        return new Descriptor(mediaType, digest, content.length);
    }

    /**
     * Adds an image of {@code layers} (blobs already in this layout, lowest first) and {@code
     * config} under {@code ref}, replacing any image of that reference. {@code created} may be
     * null, which keeps the image's digest the same for the same content.
     */
    public Image addImage(String ref, List<Layer> layers, ImageConfig config, Instant created) {
        String name = ImageRef.normalize(ref);
        for (Layer l : layers) {
            if (!Files.exists(blobPath(l.descriptor().digest()))) {
                throw new ImageException("layer " + l.descriptor().digest() + " is not in " + dir);
            }
        }
        List<Digest> diffIds = layers.stream().map(Layer::diffId).toList();
        Descriptor cfg = writeBlob(ImageJson.bytes(ImageJson.config(config, diffIds, created)), MediaTypes.CONFIG);
        List<Descriptor> layerDescriptors = layers.stream().map(Layer::descriptor).toList();
        Descriptor manifest = writeBlob(ImageJson.bytes(ImageJson.manifest(cfg, layerDescriptors)), MediaTypes.MANIFEST);
        updateIndex(index -> {
            ArrayNode manifests = (ArrayNode) index.path("manifests");
            for (int i = manifests.size() - 1; i >= 0; i--) {
                if (ImageRef.matches(manifests.get(i).path("annotations").path(ImageRef.REF_NAME).stringValue(null), name)) {
                    manifests.remove(i);
                }
            }
            ObjectNode entry = ImageJson.descriptor(manifest);
            entry.putObject("annotations").put(ImageRef.REF_NAME, name);
            manifests.add(entry);
        });
        List<Layer> stored = layers.stream()
                .map(l -> new Layer(l.descriptor(), l.diffId(), blobPath(l.descriptor().digest()))).toList();
        return new Image(name, manifest.digest(), cfg.digest(), config, stored);
    }

    /**
     * Copies {@code image} (from an {@link ImageArchive} or another layout) into this layout under
     * {@code ref}, checking each layer blob's digest as it is copied. The config is written anew
     * from {@link Image#config()} and the diff_ids, so the copy's config and manifest digests
     * differ from the original's; its layers and ChainID (and so its unpacked root) are the same.
     */
    public Image importImage(Image image, String ref) {
        return importImage(image, ref, Progress.NONE);
    }

    /** As {@link #importImage(Image, String)}, reporting the bytes of layers copied. */
    public Image importImage(Image image, String ref, Progress progress) {
        List<Layer> layers = new ArrayList<>();
        progress.start("copying " + (image.ref() != null ? image.ref() : image.configDigest().shortHex()),
                image.layers().stream().mapToLong(l -> l.descriptor().size()).sum());
        for (Layer l : image.layers()) {
            Digest digest = l.descriptor().digest();
            if (!Files.exists(blobPath(digest))) {
                Path tmp = tempBlob();
                try {
                    Files.copy(l.blob(), tmp);
                    Digest actual = Digest.ofFile(tmp);
                    if (!actual.equals(digest)) {
                        throw new ImageException("layer " + digest + " is corrupted: its digest is " + actual + " ("
                                + l.blob() + ")");
                    }
                    moveIntoPlace(tmp, digest);
                } catch (IOException e) {
                    throw new ImageException("cannot copy layer " + digest + " from " + l.blob() + ": "
                            + e.getMessage(), e);
                } finally {
                    deleteQuietly(tmp);
                }
            }
            progress.advance(l.descriptor().size());
            String type = l.descriptor().mediaType().endsWith("gzip") ? MediaTypes.LAYER_TAR_GZIP : MediaTypes.LAYER_TAR;
            layers.add(new Layer(new Descriptor(type, digest, l.descriptor().size()), l.diffId(), blobPath(digest)));
        }
        progress.done();
        return addImage(ref, layers, image.config(), null);
    }

    /**
     * Removes the image {@code ref} from {@code index.json}; false if there was none. Its blobs
     * stay (other images may share them).
     */
    public boolean removeImage(String ref) {
        boolean[] removed = {false};
        updateIndex(index -> {
            ArrayNode manifests = (ArrayNode) index.path("manifests");
            for (int i = manifests.size() - 1; i >= 0; i--) {
                if (ImageRef.matches(refName(manifests.get(i)), ref)) {
                    manifests.remove(i);
                    removed[0] = true;
                }
            }
        });
        return removed[0];
    }

    @Override
    public List<String> refs() {
        List<String> refs = new ArrayList<>();
        for (JsonNode m : manifests()) {
            String name = refName(m);
            if (name != null) {
                refs.add(name);
            }
        }
        refs.sort(null);
        return refs;
    }

    @Override
    public Image image(String ref) {
        List<JsonNode> found = new ArrayList<>();
        List<JsonNode> all = manifests();
        for (JsonNode m : all) {
            if (ref == null || ref.equals(m.path("digest").asString("")) || ImageRef.matches(refName(m), ref)
                    || ImageRef.matches(m.path("annotations").path(ImageRef.REF_NAME).stringValue(null), ref)) {
                found.add(m);
            }
        }
        if (found.size() != 1) {
            String what = all.isEmpty() ? "holds no images" : ref == null ? "holds " + all.size()
                    + " images; name one" : (found.isEmpty()
                    ? "has no image \"" + ref + "\"" : "has " + found.size() + " images called \"" + ref + "\"");
            throw new ImageException(dir + " " + what + " (it has: " + String.join(", ", refs()) + ")");
        }
        JsonNode entry = found.get(0);
        return resolve(refName(entry), ImageJson.descriptor(entry, dir.resolve("index.json").toString()));
    }

    /**
     * Writes an OCI archive: a tar of a layout holding the images {@code refs} (all if empty) and
     * the blobs they use, in a fixed order with mtime 0 (what {@code jkraft pkg} makes).
     */
    public void writeArchive(Path archive, List<String> refs) {
        writeArchive(archive, refs, Progress.NONE);
    }

    /** As {@link #writeArchive(Path, List)}, reporting the bytes of blobs written. */
    public void writeArchive(Path archive, List<String> refs, Progress progress) {
        List<String> wanted = refs.isEmpty() ? refs() : List.copyOf(new LinkedHashSet<>(refs));
        ObjectNode index = emptyIndex();
        ArrayNode manifests = (ArrayNode) index.path("manifests");
        TreeMap<String, Digest> blobs = new TreeMap<>();
        for (String ref : wanted) {
            Image image = image(ref);
            ObjectNode entry = ImageJson.descriptor(new Descriptor(MediaTypes.MANIFEST, image.manifestDigest(),
                    sizeOf(image.manifestDigest())));
            if (image.ref() != null) {
                entry.putObject("annotations").put(ImageRef.REF_NAME, image.ref());
            }
            manifests.add(entry);
            for (Digest d : List.of(image.manifestDigest(), image.configDigest())) {
                blobs.put(d.hex(), d);
            }
            image.layers().forEach(l -> blobs.put(l.descriptor().digest().hex(), l.descriptor().digest()));
        }
        Path tmp = archive.resolveSibling("." + archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tmp),
                StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            putBytes(tar, LAYOUT_FILE, LAYOUT_JSON.getBytes(StandardCharsets.UTF_8));
            putBytes(tar, "index.json", ImageJson.bytes(index));
            putDir(tar, "blobs/");
            putDir(tar, "blobs/sha256/");
            progress.start("writing " + archive.getFileName(), blobs.values().stream().mapToLong(this::sizeOf).sum());
            for (Digest d : blobs.values()) {
                TarArchiveEntry e = archiveEntry("blobs/sha256/" + d.hex(), sizeOf(d));
                tar.putArchiveEntry(e);
                copy(blobPath(d), tar, progress);
                tar.closeArchiveEntry();
            }
            tar.finish();
            progress.done();
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new ImageException("cannot write " + archive + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new ImageException("cannot write " + archive + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path file, OutputStream out, Progress progress) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                out.write(buf, 0, n);
                progress.advance(n);
            }
        }
    }

    private Image resolve(String ref, Descriptor desc) {
        JsonNode doc = readDocument(desc, "manifest");
        if (MediaTypes.INDEXES.contains(desc.mediaType())) {
            desc = platformManifest(doc, desc);
            doc = readDocument(desc, "manifest");
        }
        if (!MediaTypes.MANIFESTS.contains(desc.mediaType())) {
            throw new ImageException("image \"" + ref + "\" in " + dir + " has media type " + desc.mediaType()
                    + ", not an image manifest");
        }
        String what = "manifest " + desc.digest();
        Descriptor cfg = ImageJson.descriptor(doc.path("config"), what);
        if (!MediaTypes.CONFIGS.contains(cfg.mediaType())) {
            throw new ImageException(what + " has a config of unknown media type " + cfg.mediaType());
        }
        JsonNode config = readDocument(cfg, "config");
        List<Digest> diffIds = ImageJson.diffIds(config, "config " + cfg.digest());
        if (!doc.path("layers").isArray() || doc.path("layers").size() != diffIds.size()) {
            throw new ImageException(what + " lists " + doc.path("layers").size() + " layers but its config has "
                    + diffIds.size() + " diff_ids");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            Descriptor d = ImageJson.descriptor(doc.path("layers").get(i), what);
            if (!MediaTypes.LAYERS.contains(d.mediaType())) {
                throw new ImageException("layer " + d.digest() + " has media type " + d.mediaType()
                        + "; jkraft reads tar and tar+gzip layers");
            }
            Path blob = blobPath(d.digest());
            if (!Files.isRegularFile(blob)) {
                throw new ImageException("layer " + d.digest() + " of image \"" + ref + "\" is missing from " + dir);
            }
            layers.add(new Layer(d, diffIds.get(i), blob));
        }
        return new Image(ref, desc.digest(), cfg.digest(), ImageJson.runConfig(config, "config " + cfg.digest()),
                layers);
    }

    private Descriptor platformManifest(JsonNode index, Descriptor desc) {
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            if (p.path("os").asString("").equals("linux") && p.path("architecture").asString("").equals("amd64")) {
                return ImageJson.descriptor(m, "index " + desc.digest());
            }
        }
        throw new ImageException("index " + desc.digest() + " in " + dir + " has no linux/amd64 image");
    }

    /** Reads a JSON blob, checking its size and digest. */
    JsonNode readDocument(Descriptor d, String kind) {
        Path blob = blobPath(d.digest());
        if (!Files.isRegularFile(blob)) {
            throw new ImageException(kind + " blob " + d.digest() + " is missing from " + dir);
        }
        if (d.size() > MAX_DOCUMENT) {
            throw new ImageException(kind + " " + d.digest() + " is " + d.size() + " bytes; too big for a " + kind);
        }
        byte[] bytes = readSmall(blob);
        if (bytes.length != d.size() || !Digest.of(bytes).equals(d.digest())) {
            throw new ImageException(kind + " blob " + d.digest() + " in " + dir + " is corrupted: its "
                    + (bytes.length != d.size() ? "size is " + bytes.length + ", not " + d.size() : "digest does not match"));
        }
        return ImageJson.parse(bytes, kind + " " + d.digest());
    }

    private List<JsonNode> manifests() {
        Path file = dir.resolve("index.json");
        JsonNode index = ImageJson.parse(readSmall(file), file.toString());
        if (!index.path("manifests").isArray()) {
            throw new ImageException(file + " has no \"manifests\" list");
        }
        List<JsonNode> list = new ArrayList<>();
        index.path("manifests").forEach(list::add);
        return list;
    }

    private static String refName(JsonNode indexEntry) {
        JsonNode a = indexEntry.path("annotations");
        // Docker keeps the whole reference in the containerd annotation and only the tag in ref.name.
        String name = a.path(ImageRef.CONTAINERD_NAME).stringValue(null);
        return name != null ? name : a.path(ImageRef.REF_NAME).stringValue(null);
    }

    private interface IndexEdit {
        void apply(ObjectNode index);
    }

    private void updateIndex(IndexEdit edit) {
        Path file = dir.resolve("index.json");
        // One writer at a time, across threads and jkraft processes sharing the layout.
        synchronized (ImageLayout.class) {
            try (FileChannel ch = FileChannel.open(dir.resolve(".index.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                ch.lock(); // released when the channel closes
                JsonNode index = ImageJson.parse(readSmall(file), file.toString());
                if (!(index instanceof ObjectNode obj) || !index.path("manifests").isArray()) {
                    throw new ImageException(file + " has no \"manifests\" list");
                }
                edit.apply(obj);
                writeAtomically(file, ImageJson.bytes(obj));
            } catch (IOException e) {
                throw new ImageException("cannot update " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private long sizeOf(Digest d) {
        try {
            return Files.size(blobPath(d));
        } catch (IOException e) {
            throw new ImageException("blob " + d + " is missing from " + dir, e);
        }
    }

    private Path tempBlob() {
        return dir.resolve("blobs/sha256/.tmp-" + UUID.randomUUID());
    }

    private Path moveIntoPlace(Path tmp, Digest digest) {
        Path blob = blobPath(digest);
        try {
            Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Someone stored the same content first; blobs are never rewritten.
        } catch (IOException e) {
            if (!Files.exists(blob)) {
                throw new ImageException("cannot store blob " + digest + " in " + dir + ": " + e.getMessage(), e);
            }
        }
        return blob;
    }

    private static ObjectNode emptyIndex() {
        ObjectNode index = ImageJson.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.INDEX);
        index.putArray("manifests");
        return index;
    }

    /**
     * Writes a whole file unless it exists; a link, unlike a rename, never replaces what another
     * creator of the same layout wrote meanwhile.
     */
    private static void writeIfAbsent(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (e instanceof FileAlreadyExistsException) {
                    throw (FileAlreadyExistsException) e;
                }
                Files.move(tmp, file); // a file system without hard links; fails if the file exists
            }
        } catch (FileAlreadyExistsException e) {
            // Another process made the layout first.
        } finally {
            deleteQuietly(tmp);
        }
    }

    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            deleteQuietly(tmp);
        }
    }

    static byte[] readSmall(Path file) {
        // Read no more than a document can be, whatever the file claims (it may be a device).
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_DOCUMENT + 1);
            if (bytes.length > MAX_DOCUMENT) {
                throw new ImageException(file + " is too big for an image document");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ImageException(file + " is missing", e);
        } catch (IOException e) {
            throw new ImageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file; harmless.
        }
    }

    private static TarArchiveEntry archiveEntry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644);
        e.setModTime(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        tar.putArchiveEntry(archiveEntry(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void putDir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0755);
        e.setModTime(0);
        e.setUserName("");
        e.setGroupName("");
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }
}
