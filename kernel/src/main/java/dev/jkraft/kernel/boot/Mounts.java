package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.MountSpec;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import java.util.List;
import java.util.Map;

/**
 * Builds a guest's mount table from its fstab (Unikraft 0.14's vfs automount): the entry for "/"
 * first, then the others in order. A missing mount point is not made in the file system below
 * (which may be the host's, read-only); the mount table supplies an empty directory there.
 */
final class Mounts {
    private Mounts() {}

    /** Makes a file system for one fstab entry. */
    interface Maker {
        FileSystem make(MountSpec spec) throws SyscallException;
    }

    static FsContext build(List<MountSpec> specs, Map<String, Maker> makers, KernelLog log) throws SyscallException {
        MountSpec rootSpec = specs.stream().filter(s -> s.target().equals("/")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the fstab has no entry for /"));
        MountTable table = new MountTable(make(rootSpec, makers), flags(rootSpec), rootSpec.source());
        FsContext ctx = new FsContext(table);
        PathWalk walk = new PathWalk(ctx, 0, 0);
        for (MountSpec s : specs) {
            if (s == rootSpec) {
                continue;
            }
            Location at = mountPoint(walk, ctx, s.target(), log);
            if (at != null) {
                table.mount(at, make(s, makers), flags(s), s.source());
            }
        }
        return new FsContext(table);
    }

    private static FileSystem make(MountSpec s, Map<String, Maker> makers) throws SyscallException {
        Maker m = makers.get(s.type());
        if (m == null) {
            throw new IllegalArgumentException("unknown file system type '" + s.type() + "' for " + s.target());
        }
        return m.make(s);
    }

    private static int flags(MountSpec s) {
        return s.readOnly() ? Mount.MS_RDONLY : 0;
    }

    /** The directory to mount on, made (with its parents) where the file system allows; null to skip. */
    private static Location mountPoint(PathWalk walk, FsContext ctx, String target, KernelLog log) {
        Location cur = ctx.root();
        for (String name : target.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            try {
                cur = walk.step(cur, name);
            } catch (SyscallException missing) {
                if (missing.errno() != Errno.ENOENT) {
                    log.warn("vfs", "not mounting " + target + ": " + missing.getMessage());
                    return null;
                }
                cur = ctx.mounts().stub(cur, name);
            }
        }
        return cur;
    }
}
