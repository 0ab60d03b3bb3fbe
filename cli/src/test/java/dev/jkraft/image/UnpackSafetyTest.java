package dev.jkraft.image;

import static dev.jkraft.image.TestTrees.Entry.dir;
import static dev.jkraft.image.TestTrees.Entry.file;
import static dev.jkraft.image.TestTrees.Entry.hardlink;
import static dev.jkraft.image.TestTrees.Entry.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad layers and images: each is refused with a message that names it, and leaves nothing behind. */
class UnpackSafetyTest {
    @TempDir
    Path tmp;

    Path outside;
    Path cache;
    ImageLayout layout;

    @BeforeEach
    void setUp() throws Exception {
        outside = Files.createDirectories(tmp.resolve("outside"));
        cache = tmp.resolve("cache");
        layout = ImageLayout.create(tmp.resolve("layout"));
    }

    private void assertRefused(byte[] tar, String... messageParts) throws Exception {
        Image image = layout.addImage("bad", List.of(TestTrees.layer(layout, tar)), TestTrees.config(), null);
        var thrown = assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class);
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertNothingLeft();
    }

    private void assertNothingLeft() throws Exception {
        assertThat(TestTrees.list(cache.resolve("rootfs"))).isEmpty();
        assertThat(TestTrees.list(outside)).isEmpty();
        assertThat(TestTrees.list(tmp).stream().filter(p -> p.endsWith("escape") || p.endsWith("passwd")))
                .isEmpty();
    }

    @Test
    void dotDotEntryIsRefused() throws Exception {
        assertRefused(TestTrees.tar(dir("a/"), file("a/../../escape", "x")), "\"a/../../escape\"", "..");
    }

    @Test
    void absoluteEntryIsRefused() throws Exception {
        assertRefused(TestTrees.tar(file(outside.resolve("escape").toString(), "x")), "absolute",
                outside.resolve("escape").toString());
    }

    @Test
    void writingThroughASymlinkIsRefused() throws Exception {
        assertRefused(TestTrees.tar(symlink("a", outside.toString()), file("a/passwd", "root::0:0")), "\"a/passwd\"",
                "symlink \"a\"");
        assertRefused(TestTrees.tar(dir("d/"), symlink("d/up", "../.."), file("d/up/escape", "x")), "symlink \"d/up\"");
    }

    @Test
    void writingThroughASymlinkOfALowerLayerIsRefused() throws Exception {
        Layer lower = TestTrees.layer(layout, TestTrees.tar(symlink("etc", outside.toString())));
        Layer upper = TestTrees.layer(layout, TestTrees.tar(file("etc/passwd", "root::0:0")));
        Image image = layout.addImage("two", List.of(lower, upper), TestTrees.config(), null);
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("layer " + upper.descriptor().digest())
                .hasMessageContaining("symlink \"etc\"");
        assertNothingLeft();
        // A whiteout under the symlink must not delete through it either.
        Files.writeString(outside.resolve("keep"), "k");
        Layer whiteout = TestTrees.layer(layout, TestTrees.tar(file("etc/.wh.keep", "")));
        Image image2 = layout.addImage("three", List.of(lower, whiteout), TestTrees.config(), null);
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image2, Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("symlink \"etc\"");
        assertThat(outside.resolve("keep")).hasContent("k");
        assertThat(TestTrees.list(cache.resolve("rootfs"))).isEmpty();
    }

    @Test
    void escapingHardLinksAreRefused() throws Exception {
        Files.writeString(tmp.resolve("secret"), "s");
        assertRefused(TestTrees.tar(hardlink("h", "../../../secret")), "hard link \"h\"", "../../../secret");
        assertRefused(TestTrees.tar(hardlink("h", tmp.resolve("secret").toString())), "hard link \"h\"");
        assertRefused(TestTrees.tar(symlink("s", tmp.toString()), hardlink("h", "s/secret")), "hard link \"h\"");
        assertRefused(TestTrees.tar(hardlink("h", "nothing-yet")), "not a file already in the image");
    }

    @Test
    void corruptedLayerIsRefused() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        TestTrees.write(src.resolve("f"), "content ".repeat(1000), 0644);
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        byte[] blob = Files.readAllBytes(layer.blob());
        blob[blob.length / 2] ^= 0x40;
        Files.write(layer.blob(), blob);
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("layer " + layer.descriptor().digest())
                .hasMessageContaining("corrupted");
        assertNothingLeft();
    }

    @Test
    @Timeout(60)
    void endlessBlobIsReadOnlyToItsSize() throws Exception {
        Layer layer = TestTrees.layer(layout, TestTrees.tar(file("f", "x")));
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        Files.delete(layer.blob());
        Files.createSymbolicLink(layer.blob(), Path.of("/dev/zero"));
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("corrupted");
        assertNothingLeft();
    }

    @Test
    void wrongDiffIdIsRefused() throws Exception {
        byte[] tar = TestTrees.tar(file("f", "x"));
        Layer good = TestTrees.layer(layout, tar);
        Layer lying = new Layer(good.descriptor(), Digest.of(new byte[] {1}), good.blob());
        Image image = layout.addImage("x", List.of(lying), TestTrees.config(), null);
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("diff_id " + lying.diffId());
        assertNothingLeft();
    }

    @Test
    void missingBlobsAreNamed() throws Exception {
        Layer layer = TestTrees.layer(layout, TestTrees.tar(file("f", "x")));
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        Files.delete(layer.blob());
        assertThatThrownBy(() -> layout.image("x")).isInstanceOf(ImageException.class)
                .hasMessageContaining("layer " + layer.descriptor().digest()).hasMessageContaining("missing");
        assertThatThrownBy(() -> new RootfsCache(cache).unpack(image, Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("missing");
        Files.delete(layout.blobPath(image.configDigest()));
        assertThatThrownBy(() -> layout.image("x")).isInstanceOf(ImageException.class)
                .hasMessageContaining("config blob " + image.configDigest()).hasMessageContaining("missing");
        assertNothingLeft();
    }

    @Test
    void badDocumentsAreNamed() throws Exception {
        Layer layer = TestTrees.layer(layout, TestTrees.tar(file("f", "x")));
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        // A config blob whose bytes were changed: its digest no longer matches.
        Files.writeString(layout.blobPath(image.configDigest()), "{not json");
        assertThatThrownBy(() -> layout.image("x")).isInstanceOf(ImageException.class)
                .hasMessageContaining("config blob " + image.configDigest()).hasMessageContaining("corrupted");
        Path index = layout.directory().resolve("index.json");
        Files.writeString(index, "{\"manifests\": [");
        assertThatThrownBy(() -> layout.image("x")).isInstanceOf(ImageException.class)
                .hasMessageContaining("index.json is not valid JSON");
        Files.writeString(index, "{\"manifests\": [{\"mediaType\":\"" + MediaTypes.MANIFEST
                + "\",\"digest\":\"sha256:../../etc/passwd\",\"size\":1}]}");
        assertThatThrownBy(() -> layout.image(null)).isInstanceOf(ImageException.class)
                .hasMessageContaining("not a sha256 digest");
    }

    @Test
    void unknownLayerMediaTypeIsRefused() throws Exception {
        Layer layer = TestTrees.layer(layout, TestTrees.tar(file("f", "x")));
        Descriptor zstd = new Descriptor("application/vnd.oci.image.layer.v1.tar+zstd", layer.descriptor().digest(),
                layer.descriptor().size());
        layout.addImage("z", List.of(new Layer(zstd, layer.diffId(), layer.blob())), TestTrees.config(), null);
        assertThatThrownBy(() -> layout.image("z")).isInstanceOf(ImageException.class)
                .hasMessageContaining("tar+zstd");
    }

    @Test
    void twoThreadsUnpackingOneImageMakeOneGoodDirectory() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.sample(src);
        for (int i = 0; i < 200; i++) {
            TestTrees.write(src.resolve("var/f" + i), "file " + i, 0644);
        }
        Layer layer = layout.writeLayer(LayerEntry.tree(src, "/"), Progress.NONE);
        Image image = layout.addImage("x", List.of(layer), TestTrees.config(), null);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<UnpackedRootfs> unpack = () -> {
                start.await();
                return new RootfsCache(cache).unpack(image, Progress.NONE);
            };
            List<Future<UnpackedRootfs>> results = new ArrayList<>();
            results.add(pool.submit(unpack));
            results.add(pool.submit(unpack));
            Path dir0 = results.get(0).get().directory();
            assertThat(results.get(1).get().directory()).isEqualTo(dir0);
            assertThat(TestTrees.list(cache.resolve("rootfs")).stream().filter(p -> !p.contains("/")))
                    .containsExactlyInAnyOrder(dir0.getFileName().toString(), dir0.getFileName() + ".skipped");
            assertThat(TestTrees.snapshot(dir0)).isEqualTo(TestTrees.snapshot(src));
        } finally {
            pool.shutdown();
        }
    }
}
