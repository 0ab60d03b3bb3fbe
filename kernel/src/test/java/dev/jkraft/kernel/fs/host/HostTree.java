package dev.jkraft.kernel.fs.host;

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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A host tree for hostfs tests: {@code top/inside} mounted as the guest's root, and beside it
 * {@code top/outside/secret}, which no guest path may reach.
 */
public final class HostTree implements AutoCloseable {
    static final String SECRET = "the secret";

    final Path inside;
    final Path outside;
    final HostFs fs;
    final FsContext ctx;

    HostTree(Path top, boolean readOnly) throws IOException, SyscallException {
        inside = Files.createDirectories(top.resolve("inside"));
        outside = Files.createDirectories(top.resolve("outside"));
        Files.writeString(outside.resolve("secret"), SECRET);
        fs = new HostFs(inside.toString(), readOnly);
        ctx = new FsContext(new MountTable(fs, readOnly ? 1 : 0, inside.toString()));
    }

    Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), path, flags);
    }

    /** Makes the host file {@code path} (below inside) holding {@code content}, and walks to it. */
    Location file(String path, String content) throws IOException, SyscallException {
        Path host = inside.resolve(path.substring(1));
        Files.createDirectories(host.getParent());
        Files.writeString(host, content);
        return walk(path, 0);
    }

    /** Waits until attributes read before a change made on the host are no longer trusted. */
    static void outlastAttributeTrust() throws InterruptedException {
        Thread.sleep(HostNode.ATTR_TRUST_NANOS / 1_000_000 + 1);
    }

    /** Opens the location read-only and reads all of it. */
    public static String read(Location at) throws SyscallException {
        OpenFile f = at.node().open(at, OpenFlags.O_RDONLY).retain();
        try {
            byte[] buf = new byte[4096];
            int n = f.read(buf, 0, buf.length);
            return new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
        } finally {
            f.release();
        }
    }

    static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    @Override
    public void close() {
        fs.close();
    }
}
