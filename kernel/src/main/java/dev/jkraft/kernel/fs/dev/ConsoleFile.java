package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;

/**
 * /dev/console: writes go to the stream the machine was given as its console (the guest's stdout
 * at boot, so a message to the console reaches the user as on a serial console), with its
 * readiness and blocking; reads give end of file, as a console no one types into. A tty: lseek,
 * pread and pwrite answer ESPIPE.
 */
final class ConsoleFile extends DeviceFile {
    private final OpenFile sink;

    ConsoleFile(Location at, int flags, OpenFile sink) {
        super(at, flags);
        this.sink = sink;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        return 0;
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        return sink.write(buf, off, len);
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    @Override
    public int pread(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    @Override
    public int pwrite(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    @Override
    public int poll() {
        return sink.poll();
    }

    @Override
    public dev.jkraft.kernel.file.WaitQueue waitQueue() {
        return sink.waitQueue();
    }
}
