package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of /proc/PID (tgid_base_stuff) and /proc/PID/task/TID (tid_base_stuff), in Linux's
 * order, owned by the process's effective ids. At the PID level the per-thread files (comm, stat,
 * status) speak for the main thread.
 */
final class PidEntries {
    private PidEntries() {}

    /** A process's directory, /proc/PID, or one of its threads', /proc/PID/task/TID. */
    static ProcDir directory(ProcFs fs, Process p, Task thread, boolean group) {
        String key = group ? Integer.toString(p.pid()) : p.pid() + "/task/" + thread.tid();
        String name = group ? Integer.toString(p.pid()) : Integer.toString(thread.tid());
        var c = p.credentials();
        return new ProcDir(fs, key, name, 0555, c.euid(), c.egid(), () -> entries(fs, p, thread, group, key));
    }

    private static List<ProcNode> entries(ProcFs fs, Process p, Task t, boolean group, String key)
            throws SyscallException {
        if (fs.processes().process(p.pid()) != p) {
            throw new SyscallException(Errno.ENOENT);
        }
        int uid = p.credentials().euid();
        int gid = p.credentials().egid();
        String k = key + "/";
        int pidErr = Errno.EINVAL;
        List<ProcNode> out = new ArrayList<>();
        if (group) {
            out.add(new ProcDir(fs, k + "task", "task", 0555, uid, gid, () -> {
                List<ProcNode> threads = new ArrayList<>();
                for (Task th : fs.processes().threads(p)) {
                    threads.add(directory(fs, p, th, false));
                }
                return threads;
            }));
        }
        out.add(new ProcDir(fs, k + "fd", "fd", 0500, uid, gid, () -> fdLinks(fs, p, k + "fd/"), true));
        out.add(new ProcDir(fs, k + "fdinfo", "fdinfo", 0555, uid, gid, () -> fdInfos(fs, p, k + "fdinfo/")));
        out.add(new ProcFile(fs, k + "environ", "environ", 0400, uid, gid, () -> {
            // proc_mem_open: a process without memory has no environment to read (ESRCH, as Linux).
            if (ProcessText.gone(p)) {
                throw new SyscallException(Errno.ESRCH);
            }
            return ProcessText.environ(p);
        }, pidErr));
        out.add(new ProcFile(fs, k + "status", "status", 0444, uid, gid,
                () -> ProcessText.status(p, t, threads(fs, p, group), p.fs().umask()), pidErr));
        out.add(new ProcFile(fs, k + "limits", "limits", 0444, uid, gid, () -> ProcessText.limits(p), pidErr));
        out.add(new ProcFile(fs, k + "comm", "comm", 0644, uid, gid, () -> ProcessText.comm(t),
                data -> t.prctl().setComm(data), pidErr));
        out.add(new ProcFile(fs, k + "cmdline", "cmdline", 0444, uid, gid, () -> ProcessText.cmdline(p), pidErr));
        out.add(new ProcFile(fs, k + "stat", "stat", 0444, uid, gid,
                () -> ProcessText.stat(p, t, threads(fs, p, group)), pidErr));
        out.add(new ProcFile(fs, k + "statm", "statm", 0444, uid, gid, () -> ProcessText.statm(p), pidErr));
        out.add(new ProcFile(fs, k + "maps", "maps", 0444, uid, gid,
                () -> ProcessText.gone(p) ? "" : p.addressSpace().mapsText(), pidErr));
        // A zombie has no fs_struct and no mm: its cwd, root and exe are ENOENT (proc_cwd_link ...).
        out.add(new ProcLink(fs, k + "cwd", "cwd", uid, gid, () -> alive(p, () -> p.fs().cwd().path())));
        out.add(new ProcLink(fs, k + "root", "root", uid, gid, () -> alive(p, () -> p.fs().root().path())));
        out.add(new ProcLink(fs, k + "exe", "exe", uid, gid, () -> alive(p, p::executable)));
        // mounts_open_common: a zombie has no nsproxy, EINVAL.
        out.add(new ProcFile(fs, k + "mounts", "mounts", 0444, uid, gid,
                () -> withNamespace(p, () -> MountText.mounts(p.fs().mounts())), pidErr));
        out.add(new ProcFile(fs, k + "mountinfo", "mountinfo", 0444, uid, gid,
                () -> withNamespace(p, () -> MountText.mountinfo(p.fs().mounts())), pidErr));
        return out;
    }

    /** A link's target while {@code p} lives; ENOENT once it is a zombie. */
    private static String alive(Process p, ProcLink.Target target) throws SyscallException {
        if (ProcessText.gone(p)) {
            throw new SyscallException(Errno.ENOENT);
        }
        return target.path();
    }

    /** A mount table's text while {@code p} lives; EINVAL once it is a zombie. */
    private static String withNamespace(Process p, ProcFile.Content content) throws SyscallException {
        if (ProcessText.gone(p)) {
            throw new SyscallException(Errno.EINVAL);
        }
        return content.text();
    }

    /** num_threads: the group's count at the PID level, 1 for one thread's own files. */
    private static int threads(ProcFs fs, Process p, boolean group) {
        return group ? Math.max(1, fs.processes().threads(p).size()) : 1;
    }

    /** fd/N: a link named by the descriptor, r-x, -wx or rwx for the file's access mode (tid_fd_update_inode). */
    private static List<ProcNode> fdLinks(ProcFs fs, Process p, String key) {
        List<ProcNode> out = new ArrayList<>();
        if (ProcessText.gone(p)) {
            return out; // a zombie's files are closed: fd/ is empty (proc_readfd_common without files)
        }
        for (int fd : p.files().openDescriptors()) {
            OpenFile f = p.files().peek(fd);
            if (f == null) {
                continue;
            }
            int perms = (f.readable() ? 0500 : 0) | (f.writable() ? 0300 : 0);
            out.add(new ProcLink(fs, key + fd, Integer.toString(fd), perms, p.credentials().euid(),
                    p.credentials().egid(), f::describe, f));
        }
        return out;
    }

    private static List<ProcNode> fdInfos(ProcFs fs, Process p, String key) {
        List<ProcNode> out = new ArrayList<>();
        if (ProcessText.gone(p)) {
            return out;
        }
        for (int fd : p.files().openDescriptors()) {
            out.add(new ProcFile(fs, key + fd, Integer.toString(fd), 0444, p.credentials().euid(),
                    p.credentials().egid(), () -> {
                        try {
                            return ProcessText.fdinfo(p, fd);
                        } catch (SyscallException e) {
                            // Closed since the lookup: as if it had never been there.
                            throw new SyscallException(Errno.ENOENT);
                        }
                    }, Errno.EINVAL));
        }
        return out;
    }
}
