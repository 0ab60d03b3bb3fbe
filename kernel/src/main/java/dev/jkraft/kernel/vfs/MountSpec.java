package dev.jkraft.kernel.vfs;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of the guest's fstab: what to mount where. Written {@code SOURCE:TARGET:TYPE[:OPTIONS]}
 * in the {@code vfs.fstab} option (entries separated by ';'), as Unikraft's vfs.fstab; TYPE is
 * {@code hostfs} (SOURCE a host directory), {@code overlay} (SOURCE the read-only lower host
 * directory, OPTIONS with {@code upperdir=HOSTDIR}), {@code tmpfs}, {@code proc} or {@code devtmpfs};
 * OPTIONS a comma list with {@code ro}, {@code size=} and {@code upperdir=}.
 */
public record MountSpec(String source, String target, String type, String options) {

    public boolean readOnly() {
        for (String o : options.split(",")) {
            if (o.equals("ro")) {
                return true;
            }
        }
        return false;
    }

    public static MountSpec hostDir(String hostDir, String target, boolean readOnly) {
        return new MountSpec(hostDir, target, "hostfs", readOnly ? "ro" : "rw");
    }

    /** An overlay of host directory {@code lowerDir} (never written) under {@code upperDir} (every change goes there). */
    public static MountSpec overlay(String lowerDir, String upperDir, String target) {
        return new MountSpec(lowerDir, target, "overlay", "upperdir=" + upperDir);
    }

    /**
     * The default view (DESIGN.md): the host's root read-only at / (or {@code rootfs} when given),
     * the working directory read-write at its own path when the host's root is shown, a fresh
     * /tmp, /dev with /dev/shm, and /proc.
     */
    public static List<MountSpec> defaults(String rootfs, String hostCwd) {
        List<MountSpec> out = new ArrayList<>();
        out.add(hostDir(rootfs == null ? "/" : rootfs, "/", rootfs == null));
        out.add(new MountSpec("tmpfs", "/tmp", "tmpfs", "mode=1777"));
        out.add(new MountSpec("devtmpfs", "/dev", "devtmpfs", "rw"));
        out.add(new MountSpec("tmpfs", "/dev/shm", "tmpfs", "mode=1777"));
        out.add(new MountSpec("proc", "/proc", "proc", "rw"));
        // Last, so that a working directory under /tmp is not hidden by the guest's own /tmp.
        if (rootfs == null && hostCwd != null && !hostCwd.equals("/")) {
            out.add(hostDir(hostCwd, hostCwd, false));
        }
        return out;
    }

    /** Parses {@code SOURCE:TARGET:TYPE[:OPTIONS]} entries separated by ';'. */
    public static List<MountSpec> parseAll(String fstab) {
        List<MountSpec> out = new ArrayList<>();
        for (String e : fstab.split(";")) {
            if (!e.isBlank()) {
                out.add(parse(e.trim()));
            }
        }
        return out;
    }

    public static MountSpec parse(String entry) {
        String[] f = entry.split(":", 4);
        if (f.length < 3 || f[1].isEmpty() || !f[1].startsWith("/") || f[2].isEmpty()) {
            throw new IllegalArgumentException("fstab entry '" + entry + "' is not SOURCE:/TARGET:TYPE[:OPTIONS]");
        }
        return new MountSpec(f[0], f[1], f[2], f.length > 3 ? f[3] : "rw");
    }
}
