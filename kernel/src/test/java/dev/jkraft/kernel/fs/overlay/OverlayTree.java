package dev.jkraft.kernel.fs.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * An overlay for tests: {@code top/lower} under {@code top/upper}, mounted as the guest's root,
 * and beside them {@code top/outside/secret}, which no guest path may reach.
 */
final class OverlayTree {
    static final String SECRET = "the secret";

    final Path lower;
    final Path upper;
    final Path outside;
    private OverlayFs fs;
    private FsContext ctx;

    OverlayTree(Path top) throws IOException {
        lower = Files.createDirectories(top.resolve("lower"));
        upper = top.resolve("upper");
        outside = Files.createDirectories(top.resolve("outside"));
        Files.writeString(outside.resolve("secret"), SECRET);
    }

    /** Mounts the overlay (after the test has filled the lower directory). */
    OverlayFs mount() throws SyscallException {
        fs = new OverlayFs(lower.toString(), upper.toString());
        ctx = new FsContext(new MountTable(fs, 0, lower.toString()));
        return fs;
    }

    /** Makes lower file {@code rel} holding {@code content}. */
    Path lowerFile(String rel, String content) throws IOException {
        Path p = lower.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    Location walk(String path) throws SyscallException {
        return walk(path, 0);
    }

    Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), path, flags);
    }

    static String read(Location at) throws SyscallException {
        return dev.jkraft.kernel.fs.host.HostTree.read(at);
    }

    /** Opens for writing as the vfs does (O_TRUNC truncates first) and writes {@code s}. */
    static void write(Location at, int flags, String s) throws SyscallException {
        if ((flags & OpenFlags.O_TRUNC) != 0) {
            at.node().truncate(0);
        }
        OpenFile f = at.node().open(at, OpenFlags.O_WRONLY | flags).retain();
        try {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            f.write(b, 0, b.length);
        } finally {
            f.release();
        }
    }

    static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    /** Every path below {@code dir} with its type, mode, mtime and content (or link target). */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else {
                    what = Files.getAttribute(p, "unix:mode") + " " + Files.getLastModifiedTime(p)
                            + (Files.isRegularFile(p) ? " " + Files.readString(p) : "");
                }
                out.put(dir.relativize(p).toString(), what);
            }
        }
        return out;
    }
}
