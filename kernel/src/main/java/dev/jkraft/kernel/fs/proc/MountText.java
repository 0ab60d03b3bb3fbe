package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.MountTable;

/** /proc/PID/mounts and /proc/PID/mountinfo (fs/proc_namespace.c) for a mount table. */
final class MountText {
    private MountText() {}

    /** One line per mount: "source path type options 0 0". */
    static String mounts(MountTable table) {
        StringBuilder b = new StringBuilder();
        for (Mount m : table.all()) {
            b.append(escape(m.source())).append(' ').append(escape(m.path())).append(' ').append(m.fs().type())
                    .append(' ').append(options(m)).append(" 0 0\n");
        }
        return b.toString();
    }

    /** One line per mount: "id parent major:minor root path options - type source super-options". */
    static String mountinfo(MountTable table) {
        StringBuilder b = new StringBuilder();
        for (Mount m : table.all()) {
            int parent = m.mountpoint() == null ? m.id() : m.mountpoint().mount().id();
            long dev = m.fs().dev();
            b.append(m.id()).append(' ').append(parent).append(' ').append(Stat.major(dev)).append(':')
                    .append(Stat.minor(dev)).append(" / ").append(escape(m.path())).append(' ').append(options(m))
                    .append(" - ").append(m.fs().type()).append(' ').append(escape(m.source())).append(' ')
                    .append(m.readOnly() ? "ro" : "rw").append('\n');
        }
        return b.toString();
    }

    /** show_mnt_opts's order: ro or rw, the MNT_ flags, then the atime mode. */
    private static String options(Mount m) {
        StringBuilder b = new StringBuilder(m.readOnly() ? "ro" : "rw");
        if ((m.flags() & Mount.MS_NOSUID) != 0) {
            b.append(",nosuid");
        }
        if ((m.flags() & Mount.MS_NODEV) != 0) {
            b.append(",nodev");
        }
        if ((m.flags() & Mount.MS_NOEXEC) != 0) {
            b.append(",noexec");
        }
        return b.append(",relatime").toString();
    }

    /** mangle(): space, tab, newline and backslash as octal escapes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case ' ' -> b.append("\\040");
                case '\t' -> b.append("\\011");
                case '\n' -> b.append("\\012");
                case '\\' -> b.append("\\134");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
