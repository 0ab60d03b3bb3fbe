package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * A procfs symlink: self, thread-self, mounts, and a process's exe, cwd, root and fd/N. The target
 * is computed at each readlink. An fd/N link also stands for the open file itself: Linux follows it
 * to that file even when its name means nothing (a pipe, a deleted file); {@link ProcFs#openFileBehind}
 * gives it to the open path for that.
 */
final class ProcLink extends ProcNode {
    interface Target {
        String path() throws SyscallException;
    }

    private final Target target;
    private final OpenFile file;

    ProcLink(ProcFs fs, String key, String name, int uid, int gid, Target target) {
        this(fs, key, name, 0777, uid, gid, target, null);
    }

    ProcLink(ProcFs fs, String key, String name, int perms, int uid, int gid, Target target, OpenFile file) {
        super(fs, key, name, FileModes.S_IFLNK | perms, uid, gid);
        this.target = target;
        this.file = file;
    }

    @Override
    public boolean isMagicLink() {
        // fd/N, exe, cwd and root jump (proc_pid_get_link); self, thread-self and mounts are plain.
        return file != null || name().equals("exe") || name().equals("cwd") || name().equals("root");
    }

    /** The open file an fd/N link stands for, or null. */
    OpenFile file() {
        return file;
    }

    @Override
    long size() {
        // Linux's fd links report 64; the others 0.
        return file != null ? 64 : 0;
    }

    @Override
    public String readlink() throws SyscallException {
        return target.path();
    }
}
