package dev.jkraft.image;

import static dev.jkraft.image.TestTrees.Entry.charDevice;
import static dev.jkraft.image.TestTrees.Entry.dir;
import static dev.jkraft.image.TestTrees.Entry.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchiveTest {
    @TempDir
    Path tmp;

    private Path ociArchive(Path src, String... refs) {
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        for (String ref : refs) {
            layout.addImage(ref, List.of(layer), TestTrees.config("/bin/" + ref), null);
        }
        Path archive = tmp.resolve("app.oci.tar");
        TestTrees.Recorder writing = new TestTrees.Recorder();
        layout.writeArchive(archive, List.of(), writing);
        assertThat(writing.advanced).isEqualTo(writing.total).isGreaterThan(layer.descriptor().size());
        return archive;
    }

    @Test
    void ociArchiveRoundTrips() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        Path archive = ociArchive(src, "app");
        Path scratch = tmp.resolve("scratch");
        TestTrees.Recorder reading = new TestTrees.Recorder();
        try (ImageArchive a = ImageArchive.open(archive, scratch, reading)) {
            assertThat(reading.total).isEqualTo(Files.size(archive));
            assertThat(reading.advanced).isEqualTo(Files.size(archive));
            assertThat(reading.done).isEqualTo(1);
            assertThat(a.refs()).containsExactly("app:latest");
            Image image = a.image(null);
            assertThat(image.config().entrypoint()).containsExactly("/bin/app");
            Path root = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE).directory();
            assertThat(TestTrees.snapshot(root)).isEqualTo(TestTrees.snapshot(src));
        }
        assertThat(TestTrees.list(scratch)).isEmpty();
    }

    @Test
    void gzipArchiveIsFoundByItsBytesNotItsName() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        Path archive = ociArchive(src, "one", "two:2");
        Path gz = tmp.resolve("archive.tar"); // a misleading name on purpose
        Files.write(gz, TestTrees.gzip(Files.readAllBytes(archive)));
        try (ImageArchive a = ImageArchive.open(gz, tmp.resolve("scratch"))) {
            assertThat(a.refs()).containsExactly("one:latest", "two:2");
            assertThatThrownBy(() -> a.image(null)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("one:latest, two:2");
            Image two = a.image("two:2");
            assertThat(two.config().entrypoint()).containsExactly("/bin/two:2");
            Path root = new RootfsCache(tmp.resolve("cache")).unpack(two, Progress.NONE).directory();
            assertThat(TestTrees.snapshot(root)).isEqualTo(TestTrees.snapshot(src));
        }
    }

    @Test
    void archiveOfOneRefHoldsOnlyItsBlobs() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        TestTrees.write(src.resolve("f"), "x", 0644);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        layout.addImage("a", List.of(layer), TestTrees.config("/a"), null);
        layout.addImage("b", List.of(), TestTrees.config("/b"), null);
        Path archive = tmp.resolve("b.tar");
        layout.writeArchive(archive, List.of("b"));
        Path again = tmp.resolve("b2.tar");
        layout.writeArchive(again, List.of("b"));
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(archive));
        try (ImageArchive a = ImageArchive.open(archive, tmp.resolve("scratch"))) {
            assertThat(a.refs()).containsExactly("b:latest");
            assertThat(a.image("b").layers()).isEmpty();
        }
    }

    /** A docker save archive as Docker before 25 writes it, one layer shared through a symlink. */
    @Test
    void dockerSaveWithWhiteoutsAndOpaqueDirs() throws Exception {
        byte[] lower = TestTrees.tar(dir("etc/"), file("etc/a", "A"), file("etc/b", "B"), dir("opq/"),
                file("opq/x", "X"), dir("opq/sub/"), file("opq/sub/y", "Y"), dir("keep/"), file("keep/k", "K"),
                charDevice("dev/null"));
        byte[] upper = TestTrees.tar(file("etc/.wh.a", ""), dir("opq/"), file("opq/.wh..wh..opq", ""),
                file("opq/new", "N"), file("keep/k2", "K2"), dir(".wh..wh.plnk/"), file(".wh..wh.plnk/1.2", "aufs"),
                file("gone/.wh.x", ""));
        String config = """
                {"architecture":"amd64","os":"linux",
                 "config":{"Entrypoint":["/bin/sh"],"Cmd":null,"Env":["A=1"],"WorkingDir":"/w",
                           "ExposedPorts":{"80/tcp":{}},"Labels":{"l":"v"}},
                 "rootfs":{"type":"layers","diff_ids":["%s","%s"]}}
                """.formatted(Digest.of(lower), Digest.of(upper));
        String configName = Digest.of(config.getBytes(StandardCharsets.UTF_8)).hex() + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"web:1\"],"
                + "\"Layers\":[\"l1/layer.tar\",\"shared/layer.tar\"]}]";
        Path archive = tmp.resolve("web.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            put(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
            put(tar, configName, config.getBytes(StandardCharsets.UTF_8));
            put(tar, "l1/layer.tar", lower);
            put(tar, "l2/layer.tar", TestTrees.gzip(upper));
            TarArchiveEntry link = new TarArchiveEntry("shared/layer.tar", TarConstants.LF_SYMLINK);
            link.setLinkName("../l2/layer.tar");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        try (ImageArchive a = ImageArchive.open(archive, tmp.resolve("scratch"))) {
            assertThat(a.refs()).containsExactly("web:1");
            Image image = a.image("web:1");
            assertThat(image.ref()).isEqualTo("web:1");
            assertThat(image.manifestDigest()).isNull();
            assertThat(image.config()).isEqualTo(new ImageConfig(List.of("/bin/sh"), List.of(), List.of("A=1"), "/w",
                    List.of("80/tcp"), java.util.Map.of("l", "v")));
            UnpackedRootfs rootfs = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE);
            assertThat(rootfs.skippedSpecialFiles()).isEqualTo(1);
            assertThat(TestTrees.list(rootfs.directory())).containsExactly("dev", "etc", "etc/b", "keep", "keep/k",
                    "keep/k2", "opq", "opq/new");
            assertThat(new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE))
                    .isEqualTo(new UnpackedRootfs(rootfs.directory(), 1, true));

            // Loaded into a layout, the image keeps its layers and so its unpacked root.
            ImageLayout store = ImageLayout.create(tmp.resolve("store"));
            store.importImage(image, "web:loaded");
            Image loaded = ImageLayout.open(tmp.resolve("store")).image("web:loaded");
            assertThat(loaded.chainId()).isEqualTo(image.chainId());
            assertThat(loaded.config()).isEqualTo(image.config());
            assertThat(loaded.layers().get(1).descriptor().mediaType()).isEqualTo(MediaTypes.LAYER_TAR_GZIP);
            Path again = new RootfsCache(tmp.resolve("cache2")).unpack(loaded, Progress.NONE).directory();
            assertThat(TestTrees.snapshot(again)).isEqualTo(TestTrees.snapshot(rootfs.directory()));
        }
    }

    @Test
    void badArchivesAreRefused() throws Exception {
        Path scratch = tmp.resolve("scratch");
        Path notTar = tmp.resolve("not.tar");
        Files.writeString(notTar, "hello, this is not a tar file at all\n");
        assertThatThrownBy(() -> ImageArchive.open(notTar, scratch)).isInstanceOf(ImageException.class)
                .hasMessageContaining("not.tar");
        Path badJson = tmp.resolve("bad.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(badJson))) {
            put(tar, "manifest.json", "[{\"Config\":".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> ImageArchive.open(badJson, scratch)).isInstanceOf(ImageException.class)
                .hasMessageContaining("manifest.json is not valid JSON");
        Path escaping = tmp.resolve("escape.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(escaping))) {
            put(tar, "../evil", "x".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> ImageArchive.open(escaping, scratch)).isInstanceOf(ImageException.class)
                .hasMessageContaining("\"../evil\"");
        assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
        assertThat(TestTrees.list(scratch)).isEmpty();
    }

    @Test
    void truncatedArchiveIsRefused() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        Path archive = ociArchive(src, "app");
        byte[] whole = Files.readAllBytes(archive);
        for (int cut : new int[] {whole.length / 2, whole.length - 1100}) {
            Path truncated = tmp.resolve("truncated.tar");
            try (OutputStream out = Files.newOutputStream(truncated)) {
                out.write(whole, 0, cut);
            }
            Path scratch = tmp.resolve("scratch" + cut);
            assertThatThrownBy(() -> {
                try (ImageArchive a = ImageArchive.open(truncated, scratch)) {
                    new RootfsCache(tmp.resolve("cache")).unpack(a.image(null), Progress.NONE);
                }
            }).isInstanceOf(ImageException.class).hasMessageContaining("truncated");
            assertThat(TestTrees.list(scratch)).isEmpty();
            assertThat(TestTrees.list(tmp.resolve("cache"))).isEmpty();
        }
    }

    /** Docker 25 and later: an OCI layout whose index names images the containerd way, plus manifest.json. */
    @Test
    void dockerSaveOfDocker25UsesItsLayoutOrItsManifestJson() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        Path dir = tmp.resolve("d25");
        ImageLayout layout = ImageLayout.create(dir);
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        Image image = layout.addImage("web:2", List.of(layer), TestTrees.config("/web"), null);
        Files.writeString(dir.resolve("index.json"), """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,
                 "annotations":{"io.containerd.image.name":"docker.io/library/web:2",
                                "org.opencontainers.image.ref.name":"2"}}]}
                """.formatted(MediaTypes.INDEX, MediaTypes.MANIFEST, image.manifestDigest(),
                Files.size(layout.blobPath(image.manifestDigest()))));
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"blobs/sha256/" + image.configDigest().hex()
                + "\",\"RepoTags\":[\"web:2\"],\"Layers\":[\"blobs/sha256/" + layer.descriptor().digest().hex()
                + "\"]}]");
        for (boolean withLayout : new boolean[] {true, false}) {
            Path archive = tmp.resolve("web" + withLayout + ".tar");
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
                for (String name : TestTrees.list(dir)) {
                    Path file = dir.resolve(name);
                    if (Files.isRegularFile(file) && !name.startsWith(".") && (withLayout || !name.equals("oci-layout"))) {
                        put(tar, name, Files.readAllBytes(file));
                    }
                }
            }
            try (ImageArchive a = ImageArchive.open(archive, tmp.resolve("scratch"))) {
                assertThat(a.refs()).containsExactly(withLayout ? "docker.io/library/web:2" : "web:2");
                Image found = a.image("web:2");
                assertThat(found.manifestDigest()).isEqualTo(withLayout ? image.manifestDigest() : null);
                assertThat(found.layers().get(0).descriptor().digest()).isEqualTo(layer.descriptor().digest());
                assertThat(found.config().entrypoint()).containsExactly("/web");
                Path root = new RootfsCache(tmp.resolve("cache" + withLayout)).unpack(found, Progress.NONE).directory();
                assertThat(TestTrees.snapshot(root)).isEqualTo(TestTrees.snapshot(src));
            }
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
