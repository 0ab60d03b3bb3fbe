package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's static busybox applets on a fixture tree, natively and under jkraft (the tree mounted
 * read-write at its own path and made the working directory): the same output and status, and
 * for applets that change the tree, the same tree afterwards. The tree's own ".." is left out of
 * listings: above a volume the guest may see the mount table's stub directories (a clone under
 * /tmp, which the guest has a tmpfs for) rather than the host's. Each applet runs alone: busybox
 * would fork for a pipeline, and fork is issue #9.
 */
class BusyboxFilesTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private Path nativeTree;
    private Path guestTree;

    record Outcome(int status, String out, List<String> tree) {}

    @BeforeEach
    void makeTrees() throws IOException {
        BusyboxTest.requireBusybox();
        Path base = GuestRun.visibleTempDir("busybox-files");
        nativeTree = fixture(base.resolve("native"));
        guestTree = fixture(base.resolve("guest"));
    }

    private static Path fixture(Path root) throws IOException {
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.writeString(root.resolve("a.txt"), "alpha one\nbeta two\ngamma three\nbeta four\n");
        Files.writeString(root.resolve("nums.txt"), "10:3\n2:40\n33:5\n");
        Files.writeString(root.resolve("sub/b.txt"), "b\n");
        Files.writeString(root.resolve("sub/deeper/c.log"), "deep\n".repeat(300));
        byte[] bin = new byte[70000];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) (i * 31 + i / 7);
        }
        Files.write(root.resolve("sub/data.bin"), bin);
        Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
        Files.setPosixFilePermissions(root.resolve("sub/b.txt"), PosixFilePermissions.fromString("rw-r-----"));
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
                }
            }
        }
        return root;
    }

    private Outcome nativeRun(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(BUSYBOX.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(nativeTree.toFile()).redirectErrorStream(false)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        return new Outcome(p.waitFor(), new String(out, StandardCharsets.ISO_8859_1), snapshot(nativeTree));
    }

    private Outcome guestRun(List<String> args) throws IOException {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(BUSYBOX).argv0("busybox").args(args).stdout(out).stderr(err)
                .diagnostics(err).platform(TestPlatform.name()).volume(guestTree, guestTree.toString(), false)
                .workdir(guestTree.toString()).build().run();
        return new Outcome(status, out.toString(StandardCharsets.ISO_8859_1), snapshot(guestTree));
    }

    /** Every entry: relative path, type, permission bits, and a content digest for files. */
    private static List<String> snapshot(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    lines.add(rel + " -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    lines.add(rel + "/ " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } else if (Files.isRegularFile(p)) {
                    lines.add(rel + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + digest(Files.readAllBytes(p)));
                } else {
                    lines.add(rel + " special " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
            }
        }
        return lines;
    }

    private static String digest(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ls -lA", "ls -la sub", "ls -lR sub", "ls -1 sub/deeper",
        "find .", "find . -type f -name *.txt", "find sub -size +1k",
        "grep -r beta .", "grep -c beta a.txt", "grep -l deep -r sub",
        "sed -n 2,3p a.txt", "sed s/beta/BETA/g a.txt",
        "awk {print$2} a.txt", "awk -F: {s+=$1*$2}END{print(s)} nums.txt",
        "sort -r a.txt", "sort -t: -k2 -n nums.txt",
        "md5sum a.txt sub/b.txt sub/data.bin", "sha1sum sub/deeper/c.log",
        "du -a", "du -s sub", "stat -c %n|%s|%F|%a|%h a.txt sub link",
        "wc a.txt sub/deeper/c.log", "head -n 2 a.txt", "tail -c 20 sub/deeper/c.log", "cut -d: -f2 nums.txt",
        "gzip -c a.txt", "tar cf - a.txt sub", "readlink link", "cat link missing",
    })
    void readingTheTreeGivesTheSameOutput(String command) throws Exception {
        sameOutput(command);
    }

    /** Runs {@code command} both ways and compares stdout and status; returns {native, guest}. */
    private Outcome[] sameOutput(String command) throws Exception {
        TestPlatform.require();
        List<String> args = List.of(command.split(" "));
        Outcome n = nativeRun(args);
        Outcome g = guestRun(args);
        assertThat(g.out()).as("stdout of busybox %s", command).isEqualTo(n.out());
        assertThat(g.status()).as("status of busybox %s", command).isEqualTo(n.status());
        return new Outcome[] {n, g};
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "cp -r sub sub2", "cp -a sub copy", "mv a.txt moved.txt", "mv sub/deeper deeper2", "rm -r sub",
        "rm a.txt link", "rmdir sub", "mkdir -p x/y/z", "mkdir sub", "ln -s a.txt l2", "ln a.txt hard",
        "chmod 600 a.txt", "chmod -R go-rwx sub", "gzip a.txt", "gunzip missing.gz", "touch -d 2020-01-01 new",
        "truncate -s 3 a.txt", "tar cf t.tar sub", "mkfifo fifo", "install -m 640 a.txt inst.txt",
    })
    void changingTheTreeLeavesTheSameTree(String command) throws Exception {
        Outcome[] both = sameOutput(command);
        assertThat(both[1].tree()).as("tree after busybox %s", command).isEqualTo(both[0].tree());
    }
}
