package dev.jkraft.kernel.process;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.AnonFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * A pidfd (pidfd_open, CLONE_PIDFD): a file that names one process. It polls readable once the
 * process has ended, as Linux's pidfd_poll; reads are EINVAL.
 */
public final class PidFd extends AnonFile {
    private final Process process;

    public PidFd(Process process, boolean nonBlocking) {
        super("[pidfd]", OpenFlags.O_RDWR | (nonBlocking ? OpenFlags.O_NONBLOCK : 0));
        this.process = process;
    }

    public Process process() {
        return process;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    @Override
    public int poll() {
        return process.zombie() ? Poll.POLLIN | Poll.POLLRDNORM : 0;
    }

    @Override
    public WaitQueue waitQueue() {
        return process.exitEvents();
    }
}
