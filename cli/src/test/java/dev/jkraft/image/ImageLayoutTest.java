package dev.jkraft.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ImageLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void treeRoundTripsThroughLayerLayoutAndUnpack() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        AtomicLong bytes = new AtomicLong();
        List<Long> totals = new ArrayList<>();
        Progress progress = new Progress() {
            @Override
            public void start(String step, long total) {
                totals.add(total);
            }

            @Override
            public void advance(long amount) {
                bytes.addAndGet(amount);
            }

            @Override
            public void done() {}
        };
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), progress);
        // Content bytes of the regular files, the hard link counted once.
        assertThat(totals).containsExactly(bytes.get());
        assertThat(bytes.get()).isEqualTo(18 + 4 + 10 + 1 + 4);
        Image added = layout.addImage("redis", List.of(layer), TestTrees.config("/bin/tool"), null);
        assertThat(added.ref()).isEqualTo("redis:latest");

        Image image = ImageLayout.open(tmp.resolve("layout")).image("redis:latest");
        assertThat(image.manifestDigest()).isEqualTo(added.manifestDigest());
        assertThat(image.config()).isEqualTo(TestTrees.config("/bin/tool"));
        assertThat(image.diffIds()).containsExactly(layer.diffId());
        assertThat(image.layers().get(0).descriptor())
                .isEqualTo(new Descriptor(MediaTypes.LAYER_TAR_GZIP, layer.descriptor().digest(), Files.size(layer.blob())));

        UnpackedRootfs rootfs = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE);
        assertThat(rootfs.reused()).isFalse();
        assertThat(rootfs.directory()).isEqualTo(tmp.resolve("cache/rootfs/" + image.chainId().hex()));
        assertThat(TestTrees.snapshot(rootfs.directory())).isEqualTo(TestTrees.snapshot(src));
        assertThat(new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE).reused()).isTrue();
    }

    @Test
    void layoutFilesFollowTheImageSpec() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        Image image = layout.addImage("app:1.0", List.of(layer), TestTrees.config("/bin/tool"), null);
        Path dir = layout.directory();
        assertThat(Files.readString(dir.resolve("oci-layout"))).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        JsonNode index = ImageJson.parse(Files.readAllBytes(dir.resolve("index.json")), "index");
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        JsonNode entry = index.path("manifests").get(0);
        assertThat(entry.path("mediaType").asString()).isEqualTo(MediaTypes.MANIFEST);
        assertThat(entry.path("digest").asString()).isEqualTo(image.manifestDigest().toString());
        assertThat(entry.path("annotations").path("org.opencontainers.image.ref.name").asString()).isEqualTo("app:1.0");
        JsonNode manifest = ImageJson.parse(Files.readAllBytes(layout.blobPath(image.manifestDigest())), "m");
        assertThat(manifest.path("config").path("mediaType").asString()).isEqualTo(MediaTypes.CONFIG);
        assertThat(manifest.path("layers").get(0).path("mediaType").asString()).isEqualTo(MediaTypes.LAYER_TAR_GZIP);
        JsonNode config = ImageJson.parse(Files.readAllBytes(layout.blobPath(image.configDigest())), "c");
        assertThat(config.path("architecture").asString()).isEqualTo("amd64");
        assertThat(config.path("os").asString()).isEqualTo("linux");
        assertThat(config.path("config").path("Entrypoint").get(0).asString()).isEqualTo("/bin/tool");
        assertThat(config.path("config").path("ExposedPorts").has("6379/tcp")).isTrue();
        assertThat(config.path("rootfs").path("diff_ids").get(0).asString()).isEqualTo(layer.diffId().toString());
        assertThat(Digest.ofFile(layer.blob())).isEqualTo(layer.descriptor().digest());
        try (var blobs = Files.list(dir.resolve("blobs/sha256"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).hasSize(3).allMatch(n -> n.matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void sameTreeGivesSameDigests() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        List<Digest> manifests = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            ImageLayout layout = ImageLayout.create(tmp.resolve(name));
            Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
            layers.add(layer);
            manifests.add(layout.addImage("x", List.of(layer), TestTrees.config("/a"), null).manifestDigest());
        }
        assertThat(layers.get(0).descriptor()).isEqualTo(layers.get(1).descriptor());
        assertThat(layers.get(0).diffId()).isEqualTo(layers.get(1).diffId());
        assertThat(manifests.get(0)).isEqualTo(manifests.get(1));
    }

    @Test
    void entriesAreSortedWithParentsMadeUp() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        TestTrees.write(src.resolve("ls"), "elf", 0755);
        TestTrees.write(src.resolve("libc"), "lib", 0644);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(List.of(new LayerEntry("/usr/lib/libc.so.6", src.resolve("libc")),
                new LayerEntry("/usr/bin/ls", src.resolve("ls"))), Progress.NONE);
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        Path root = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE).directory();
        assertThat(TestTrees.snapshot(root)).containsExactly(
                java.util.Map.entry("usr", "dir 755 0"),
                java.util.Map.entry("usr/bin", "dir 755 0"),
                java.util.Map.entry("usr/bin/ls", "file 755 " + Files.getLastModifiedTime(src.resolve("ls")).toMillis()
                        / 1000 + " elf linked-with null"),
                java.util.Map.entry("usr/lib", "dir 755 0"),
                java.util.Map.entry("usr/lib/libc.so.6", "file 644 "
                        + Files.getLastModifiedTime(src.resolve("libc")).toMillis() / 1000 + " lib linked-with null"));
        assertThatThrownBy(() -> layout.writeLayer(List.of(new LayerEntry("a", src.resolve("ls")),
                new LayerEntry("/a", src.resolve("libc"))), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("/a twice");
    }

    @Test
    void multiPlatformIndexGivesTheAmd64Image() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        TestTrees.write(src.resolve("f"), "amd64", 0644);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/app"), Progress.NONE);
        Image amd64 = layout.addImage("plain", List.of(layer), TestTrees.config("/app/f"), null);
        long size = Files.size(layout.blobPath(amd64.manifestDigest()));
        String other = "sha256:" + "0".repeat(64);
        byte[] nested = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[
                 {"mediaType":"%s","digest":"%s","size":1,"platform":{"architecture":"arm64","os":"linux"}},
                 {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}}]}
                """.formatted(MediaTypes.INDEX, MediaTypes.MANIFEST, other, MediaTypes.MANIFEST, amd64.manifestDigest(),
                size).getBytes(StandardCharsets.UTF_8);
        Descriptor index = layout.writeBlob(nested, MediaTypes.INDEX);
        Files.writeString(tmp.resolve("layout/index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"%s","digest":"%s","size":%d,
                 "annotations":{"org.opencontainers.image.ref.name":"multi:1"}}]}
                """.formatted(MediaTypes.INDEX, index.digest(), index.size()));
        Image image = ImageLayout.open(tmp.resolve("layout")).image("multi:1");
        assertThat(image.manifestDigest()).isEqualTo(amd64.manifestDigest());
        assertThat(image.ref()).isEqualTo("multi:1");
        Path root = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE).directory();
        assertThat(root.resolve("app/f")).hasContent("amd64");
    }

    @Test
    void imageWithoutLayersUnpacksToAnEmptyRoot() {
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Image image = layout.addImage("scratch", List.of(), TestTrees.config("/x"), null);
        assertThat(layout.image("scratch").layers()).isEmpty();
        UnpackedRootfs rootfs = new RootfsCache(tmp.resolve("cache")).unpack(image, Progress.NONE);
        assertThat(rootfs.directory()).isEmptyDirectory();
    }

    @Test
    void reopenedLayoutFindsRefsAndReplacesThem() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        TestTrees.write(src.resolve("f"), "1", 0644);
        ImageLayout layout = ImageLayout.create(tmp.resolve("layout"));
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        layout.addImage("redis", List.of(layer), TestTrees.config("/old"), null);
        layout.addImage("busybox:1.36", List.of(layer), TestTrees.config("/bb"), null);

        ImageLayout again = ImageLayout.create(tmp.resolve("layout"));
        assertThat(again.refs()).containsExactly("busybox:1.36", "redis:latest");
        assertThat(again.image("redis").config().entrypoint()).containsExactly("/old");
        assertThat(again.image("docker.io/library/redis:latest").config().entrypoint()).containsExactly("/old");
        again.addImage("redis:latest", List.of(layer), TestTrees.config("/new"), null);
        ImageLayout third = ImageLayout.open(tmp.resolve("layout"));
        assertThat(third.refs()).containsExactly("busybox:1.36", "redis:latest");
        Image redis = third.image("redis");
        assertThat(redis.config().entrypoint()).containsExactly("/new");
        assertThat(third.image(redis.manifestDigest().toString()).ref()).isEqualTo("redis:latest");

        assertThatThrownBy(() -> third.image(null)).isInstanceOf(ImageException.class)
                .hasMessageContaining("holds 2 images").hasMessageContaining("busybox:1.36, redis:latest");
        assertThatThrownBy(() -> third.image("nginx")).isInstanceOf(ImageException.class)
                .hasMessageContaining("no image \"nginx\"").hasMessageContaining("redis:latest");
        assertThatThrownBy(() -> ImageLayout.open(tmp.resolve("src"))).isInstanceOf(ImageException.class)
                .hasMessageContaining("no oci-layout");
        assertThat(new String(Files.readAllBytes(tmp.resolve("layout/index.json")), StandardCharsets.UTF_8))
                .doesNotContain("/old");
        assertThat(third.removeImage("busybox:1.36")).isTrue();
        assertThat(third.removeImage("busybox:1.36")).isFalse();
        assertThat(ImageLayout.open(tmp.resolve("layout")).refs()).containsExactly("redis:latest");
    }
}
