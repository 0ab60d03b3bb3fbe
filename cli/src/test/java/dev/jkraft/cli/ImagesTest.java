package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Images end to end (issue #8): a Kraftfile builds an OCI image whose root file system is the
 * closure of its program; the image runs by name, from its project, layout or OCI archive, and
 * from a docker save archive; a detached redis instance serves redis-cli through a published
 * port and is stopped and removed; broken images and archives fail with a clear message.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ImagesTest {
    @TempDir
    Path dir;

    private JkraftHome home;
    private String out;
    private String err;
    private String guestOut;
    private final List<RunRequest> launched = new ArrayList<>();

    @BeforeEach
    void setUp() {
        home = new JkraftHome(dir);
        home.env.put("HOST_ONLY", "not for images");
    }

    @AfterEach
    void killLeftovers() {
        home.removeInstances();
    }

    /** jkraft in this JVM; a foreground guest runs on the test's platform with its output captured. */
    private int jkraft(String... args) {
        var g = new ByteArrayOutputStream();
        int status = home.run(request -> {
            launched.add(request);
            return request.toBuilder(System.err).stdout(g).stderr(g).platform(TestPlatform.name()).build().run();
        }, args);
        out = home.out;
        err = home.err;
        guestOut = g.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    private Path project(String name, String kraftfile) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("Kraftfile"), kraftfile);
        return p;
    }

    private JsonNode json(Path file) throws IOException {
        return Instance.JSON.readTree(Files.readString(file));
    }

    private Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /** A project whose rootfs directory holds the args guest as /bin/args (prints argv and environ). */
    private Path argsProject() throws IOException {
        Path p = project("argsapp", """
                name: argsapp
                cmd: [/bin/args, from-cmd]
                rootfs: ./root
                env: {GREETING: hello}
                """);
        Path bin = Files.createDirectories(p.resolve("root/bin"));
        Files.copy(GuestRun.guest("args", "musl-static"), bin.resolve("args"));
        return p;
    }

    @Test
    void redisClosureImageIsSmallRunsDetachedAnswersPingAndIsManaged() throws Exception {
        Required.tools(Path.of("/usr/bin/redis-server"), Path.of("/usr/bin/redis-cli"));
        TestPlatform.require();
        Path p = example("redis");
        assertThat(jkraft("build", p.toString())).as(err).isZero();
        assertThat(out).startsWith("built redis:latest sha256:");

        // The OCI layout: index -> manifest -> config and one gzip'd layer.
        Path layout = p.resolve(".jkraft/oci");
        assertThat(json(layout.resolve("oci-layout")).get("imageLayoutVersion").asString()).isEqualTo("1.0.0");
        JsonNode index = json(layout.resolve("index.json"));
        JsonNode entry = index.get("manifests").get(0);
        assertThat(entry.get("annotations").get("org.opencontainers.image.ref.name").asString()).isEqualTo("redis:latest");
        JsonNode manifest = json(blob(layout, entry.get("digest").asString()));
        assertThat(manifest.get("mediaType").asString()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.get("layers")).hasSize(1);
        assertThat(manifest.get("layers").get(0).get("mediaType").asString()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        JsonNode config = json(blob(layout, manifest.get("config").get("digest").asString()));
        assertThat(config.get("config").get("Entrypoint").get(0).asString()).isEqualTo("/usr/bin/redis-server");
        assertThat(config.get("config").get("Labels").get("dev.jkraft.memory").asString()).isEqualTo("256M");

        // Specialized: the image is a small fraction of the host's root file system.
        long layer = Files.size(blob(layout, manifest.get("layers").get(0).get("digest").asString()));
        var rootStore = Files.getFileStore(Path.of("/"));
        long hostRootUsed = rootStore.getTotalSpace() - rootStore.getUnallocatedSpace();
        assertThat(layer).isLessThan(hostRootUsed / 5).isLessThan(50L << 20);

        int port = NetworkServersTest.freePort();
        assertThat(jkraft("run", "-d", "--name", "cache", "-p", port + ":6379", "redis")).as(err).isZero();
        assertThat(out).isEqualTo("cache\n");
        awaitConnectable(port);
        String cli = "/usr/bin/redis-cli";
        assertThat(NetworkServersTest.run(cli, "-p", Integer.toString(port), "ping")).isEqualTo("PONG\n");
        assertThat(NetworkServersTest.run(cli, "-p", Integer.toString(port), "set", "k", "v")).isEqualTo("OK\n");
        assertThat(NetworkServersTest.run(cli, "-p", Integer.toString(port), "get", "k")).isEqualTo("v\n");

        assertThat(jkraft("ps")).isZero();
        String row = out.lines().filter(l -> l.startsWith("cache ")).findFirst().orElseThrow();
        assertThat(row).contains("running", "redis:latest", TestPlatform.name(), port + ":6379", "/256M");

        // SIGTERM: redis saves its data set into its working directory (/, in the instance's
        // writable layer) and exits 0; the shared unpacked image is left as it was.
        assertThat(jkraft("stop", "cache")).as(err).isZero();
        assertThat(jkraft("ps", "-a", "--json")).isZero();
        JsonNode cache = Instance.JSON.readTree(out).get(0);
        assertThat(cache.get("state").asString()).isEqualTo("exited");
        assertThat(cache.get("exitCode").asInt()).as(logs("cache")).isZero();
        assertThat(dir.resolve("data/jkraft/instances/cache/upper/dump.rdb")).isRegularFile();
        try (Stream<Path> cached = Files.walk(dir.resolve("cache"))) {
            assertThat(cached.filter(f -> f.getFileName().toString().equals("dump.rdb")).toList()).isEmpty();
        }
        assertThat(logs("cache")).contains("Ready to accept connections");
        assertThat(jkraft("rm", "cache")).as(err).isZero();
        assertThat(dir.resolve("data/jkraft/instances/cache")).doesNotExist();
    }

    private String logs(String name) {
        jkraft("logs", name);
        return out;
    }

    private static void awaitConnectable(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (var s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                assertThat(System.nanoTime()).as("something listens on port %d", port).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    @Test
    void anImageRunsByNameFromItsProjectLayoutAndArchiveWithItsSettings() throws IOException {
        TestPlatform.require();
        Path p = argsProject();
        assertThat(jkraft("build", p.toString())).as(err).isZero();

        // By name: Entrypoint + Cmd, the image's environment (not jkraft's), -e on top.
        assertThat(jkraft("run", "-e", "EXTRA=1", "argsapp")).as(err).isZero();
        assertThat(guestOut).contains("argv[0]=\"/bin/args\"", "argv[1]=\"from-cmd\"", "=\"GREETING=hello\"", "=\"EXTRA=1\"")
                .doesNotContain("HOST_ONLY");
        // ARGS replace Cmd, as with docker run.
        assertThat(jkraft("run", "argsapp:latest", "x", "y")).as(err).isZero();
        assertThat(guestOut).contains("argv[1]=\"x\"", "argv[2]=\"y\"").doesNotContain("from-cmd");
        // The project directory, and its OCI layout.
        assertThat(jkraft("run", p.toString())).as(err).isZero();
        assertThat(guestOut).contains("argv[1]=\"from-cmd\"");
        assertThat(jkraft("run", p.resolve(".jkraft/oci").toString())).as(err).isZero();
        assertThat(guestOut).contains("argv[1]=\"from-cmd\"");

        // An OCI archive, from the project and from the store.
        Path archive = dir.resolve("argsapp.tar");
        assertThat(jkraft("pkg", "-o", archive.toString(), p.toString())).as(err).isZero();
        assertThat(out).startsWith("packaged argsapp:latest sha256:");
        assertThat(jkraft("run", archive.toString(), "from-archive")).as(err).isZero();
        assertThat(guestOut).contains("argv[1]=\"from-archive\"");
        Path again = dir.resolve("again.tar");
        assertThat(jkraft("pkg", "-o", again.toString(), "argsapp")).as(err).isZero();
        assertThat(jkraft("run", again.toString())).as(err).isZero();
        assertThat(guestOut).contains("argv[1]=\"from-cmd\"");

        // The rootfs is the image's, read-only below and writable above: / has only /bin.
        RunRequest last = launched.getLast();
        assertThat(last.rootfs()).startsWith(dir.resolve("cache"));
        assertThat(last.rootfsUpper()).isNotNull();
        assertThat(last.rootfsUpper()).doesNotExist(); // a foreground run's layer is gone after it
    }

    @Test
    void onlyImagesBuiltHereReachIntoTheHost() throws IOException {
        Path p = project("reach", """
                name: reach
                cmd: [/bin/args]
                rootfs: ./root
                volumes: [./data:/data]
                ports: ["18080:80"]
                options: {vfs.fstab: "/:/host:hostfs", vmem.aslr: false}
                """);
        Files.createDirectories(p.resolve("data"));
        Path bin = Files.createDirectories(p.resolve("root/bin"));
        Files.copy(GuestRun.guest("args", "musl-static"), bin.resolve("args"));
        assertThat(jkraft("build", p.toString())).as(err).isZero();
        Path archive = dir.resolve("reach.tar");
        assertThat(jkraft("pkg", "-o", archive.toString(), "reach")).as(err).isZero();

        // Built here: the Kraftfile's volumes, ports and options apply.
        assertThat(jkraft("run", "reach")).as(err).isZero();
        RunRequest built = launched.getLast();
        assertThat(built.volumes()).extracting(Volume::guest).containsExactly("/data");
        assertThat(built.options()).containsEntry("inet.publish", "18080:80").containsEntry("vfs.fstab", "/:/host:hostfs");

        // The same image as an archive from elsewhere: nothing that reaches the host.
        assertThat(jkraft("run", archive.toString())).as(err).isZero();
        RunRequest foreign = launched.getLast();
        assertThat(foreign.volumes()).isEmpty();
        assertThat(foreign.options()).doesNotContainKeys("inet.publish", "vfs.fstab").containsEntry("vmem.aslr", "false");
        assertThat(err).contains("is not an image built here: ignoring its volume", "port 18080:80", "option vfs.fstab");
        assertThat(jkraft("run", "-p", "18081:80", archive.toString())).as(err).isZero();
        assertThat(launched.getLast().options()).containsEntry("inet.publish", "18081:80");
    }

    @Test
    void imagesListsTheStoreAndRmiForgetsAnImage() throws IOException {
        Path p = argsProject();
        assertThat(jkraft("images")).as(err).isZero();
        assertThat(out.lines().toList()).hasSize(1); // the header alone
        assertThat(jkraft("build", p.toString())).as(err).isZero();
        assertThat(jkraft("build", "-t", "argsapp:2", p.toString())).as(err).isZero();
        assertThat(jkraft("images")).as(err).isZero();
        assertThat(out.lines().findFirst().orElseThrow().replaceAll(" +", " ")).isEqualTo("IMAGE ID LAYERS SIZE");
        assertThat(out).contains("argsapp:latest", "argsapp:2").containsPattern("argsapp:2 +[0-9a-f]{12} +1 +[0-9.]+ MB");
        assertThat(jkraft("images", "-q")).isZero();
        assertThat(out).isEqualTo("argsapp:2\nargsapp:latest\n");

        assertThat(jkraft("rmi", "argsapp:2")).as(err).isZero();
        assertThat(out).isEqualTo("argsapp:2\n");
        assertThat(jkraft("images", "-q")).isZero();
        assertThat(out).isEqualTo("argsapp:latest\n");
        assertThat(jkraft("run", "argsapp:2")).isEqualTo(127);
        assertThat(jkraft("rmi", "argsapp:2")).isEqualTo(127);
        assertThat(err).contains("no image argsapp:2");
        assertThat(jkraft("rmi", "Not A Ref")).isEqualTo(125);
        // The other tag still runs.
        assertThat(jkraft("run", "argsapp")).as(err).isZero();
    }

    @Test
    void aDockerSaveArchiveRuns() throws IOException {
        TestPlatform.require();
        byte[] layer = tar(Map.of("bin/args", Files.readAllBytes(GuestRun.guest("args", "musl-static"))));
        String layerName = "0123/layer.tar";
        String config = """
                {"architecture":"amd64","os":"linux",
                 "config":{"Entrypoint":["/bin/args"],"Cmd":["docker"],"Env":["FROM=docker"],"WorkingDir":"/"},
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(sha256(layer));
        String configName = sha256(config.getBytes(StandardCharsets.UTF_8)) + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"docker-args:1\"],\"Layers\":[\"" + layerName + "\"]}]";
        Path archive = dir.resolve("saved.tar");
        Files.write(archive, tar(Map.of("manifest.json", manifest.getBytes(StandardCharsets.UTF_8),
                configName, config.getBytes(StandardCharsets.UTF_8), layerName, layer)));
        assertThat(jkraft("run", archive.toString())).as(err).isZero();
        assertThat(guestOut).contains("argv[0]=\"/bin/args\"", "argv[1]=\"docker\"", "=\"FROM=docker\"");
    }

    @Test
    void theLuaAndPythonExamplesBuildClosureImagesThatRun() throws IOException {
        Required.tools(Path.of("/usr/bin/lua5.4"), Path.of("/usr/bin/python3"));
        Required.require(Files.isDirectory(Path.of("/usr/lib/python3.11/lib-dynload")),
                "python 3.11 (examples/python/Kraftfile names its standard library)");
        TestPlatform.require();
        assertThat(jkraft("build", example("lua").toString())).as(err).isZero();
        assertThat(jkraft("run", "lua", "-e", "print(string.format('%d', 6*7))")).as(err).isZero();
        assertThat(guestOut).isEqualTo("42\n");

        assertThat(jkraft("build", example("python").toString())).as(err).isZero();
        Path unpacked = dir.resolve("cache");
        assertThat(jkraft("run", "python", "-c",
                "import json, hashlib, ssl, sqlite3; print(json.dumps(hashlib.sha256(b'jk').hexdigest()[:8]))")).as(err).isZero();
        assertThat(guestOut).isEqualTo("\"" + sha256("jk".getBytes(StandardCharsets.UTF_8)).substring(0, 8) + "\"\n");
        // Excluded subtrees are not in the image.
        try (Stream<Path> files = Files.walk(unpacked)) {
            assertThat(files.map(Path::toString).filter(f -> f.endsWith("/tests") || f.endsWith("python3.11/test")).toList()).isEmpty();
        }
    }

    /** A copy of the repository's examples/NAME project (its Kraftfile), so builds write nothing into the sources. */
    private Path example(String name) throws IOException {
        return project(name, Files.readString(GuestRun.REPOSITORY.resolve("examples").resolve(name).resolve("Kraftfile")));
    }

    @Test
    void brokenImagesAndArchivesGiveClearErrors() throws IOException {
        Path p = argsProject();
        assertThat(jkraft("build", p.toString())).as(err).isZero();
        Path archive = dir.resolve("ok.tar");
        assertThat(jkraft("pkg", "-o", archive.toString(), p.toString())).as(err).isZero();
        byte[] good = Files.readAllBytes(archive);

        // A flipped byte inside the layer blob: its digest no longer matches.
        byte[] flipped = good.clone();
        int at = indexOfLargestRun(flipped);
        flipped[at] ^= 0x55;
        Path bad = dir.resolve("flipped.tar");
        Files.write(bad, flipped);
        assertThat(jkraft("run", bad.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ").containsAnyOf("digest", "corrupt", "does not match");

        // Cut short in the middle.
        Path cut = dir.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        assertThat(jkraft("run", cut.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ");

        // gzip magic and then garbage.
        Path garbage = dir.resolve("garbage.tar.gz");
        Files.write(garbage, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThat(jkraft("run", garbage.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ");

        // A layout whose layer blob was damaged after the build.
        Path layout = p.resolve(".jkraft/oci");
        JsonNode manifest = json(blob(layout, json(layout.resolve("index.json")).get("manifests").get(0).get("digest").asString()));
        Path layerBlob = blob(layout, manifest.get("layers").get(0).get("digest").asString());
        byte[] bytes = Files.readAllBytes(layerBlob);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(layerBlob, bytes);
        home.env.put("XDG_CACHE_HOME", dir.resolve("cache2").toString()); // not unpacked yet
        assertThat(jkraft("run", layout.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ").containsAnyOf("digest", "corrupt", "does not match");
        try (Stream<Path> left = Files.exists(dir.resolve("cache2/rootfs")) ? Files.list(dir.resolve("cache2/rootfs")) : Stream.empty()) {
            assertThat(left.filter(f -> !f.getFileName().toString().startsWith(".")).toList()).as("no half-unpacked rootfs").isEmpty();
        }

        // A damaged index.json.
        Files.writeString(layout.resolve("index.json"), "{\"manifests\": [");
        assertThat(jkraft("run", layout.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ");

        // Names that are not there.
        assertThat(jkraft("run", "nosuch:1")).isEqualTo(127);
        assertThat(err).contains("no image nosuch:1");
        assertThat(jkraft("run", "argsapp:2")).isEqualTo(127);
        assertThat(jkraft("pkg", "nosuchimage")).isEqualTo(127);
        assertThat(jkraft("build", dir.resolve("nothing-here").toString())).isEqualTo(125);
        assertThat(err).contains("no such file or directory");
        assertThat(jkraft("build", "-t", "Bad:Tag", p.toString())).isEqualTo(125);
        assertThat(err).contains("is not an image reference");
    }

    @Test
    void aClosureThatCannotBeMadeSaysWhy() throws IOException {
        Path p = project("missing", "name: missing\ncmd: [/usr/bin/no-such-program-here]\n");
        assertThat(jkraft("build", p.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: ").contains("no-such-program-here");
    }

    @Test
    void aBareNameIsAProgramUnlessTheStoreHasThatImage() throws IOException {
        assertThat(jkraft("run", "true")).as(err).isZero();
        assertThat(launched.getLast().program()).isEqualTo(Path.of("/usr/bin/true"));
        assertThat(launched.getLast().rootfs()).isNull();
    }

    /** The start of the longest stretch of non-zero bytes: inside the compressed layer. */
    private static int indexOfLargestRun(byte[] b) {
        int best = 0;
        int bestLen = 0;
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == 0) {
                if (i - start > bestLen) {
                    bestLen = i - start;
                    best = start;
                }
                start = i + 1;
            }
        }
        return best + bestLen / 2;
    }

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var t = new TarArchiveOutputStream(bytes)) {
            for (var e : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                entry.setMode(0100755);
                t.putArchiveEntry(entry);
                t.write(e.getValue());
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
