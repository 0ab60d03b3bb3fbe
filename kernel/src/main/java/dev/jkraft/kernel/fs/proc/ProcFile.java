package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import java.nio.charset.StandardCharsets;

/**
 * A procfs file: a regular file of size 0 whose text is made when it is opened for reading (a
 * snapshot, as a seq_file's first read) and read from there. Writes go to a {@link Writer} where
 * Linux takes them (comm); elsewhere they fail as Linux's do: EIO for the files of /proc itself
 * (proc_reg_write without a proc_write), EINVAL for a process's (no write operation at all), EPERM
 * for the sysctls jkraft keeps fixed. Without root the vfs's permission check answers EACCES first.
 */
final class ProcFile extends ProcNode {
    interface Content {
        String text() throws SyscallException;
    }

    interface Writer {
        void write(byte[] data) throws SyscallException;
    }

    private final Content content;
    private final Writer writer;
    private final int writeErrno;

    ProcFile(ProcFs fs, String key, String name, int perms, int uid, int gid, Content content, int writeErrno) {
        this(fs, key, name, perms, uid, gid, content, null, writeErrno);
    }

    ProcFile(ProcFs fs, String key, String name, int perms, int uid, int gid, Content content, Writer writer,
            int writeErrno) {
        super(fs, key, name, FileModes.S_IFREG | perms, uid, gid);
        this.content = content;
        this.writer = writer;
        this.writeErrno = writeErrno;
    }

    @Override
    public OpenFile open(Location at, int flags) throws SyscallException {
        int mode = flags & OpenFlags.O_ACCMODE;
        boolean reads = mode == OpenFlags.O_RDONLY || mode == OpenFlags.O_RDWR;
        byte[] text = reads ? content.text().getBytes(StandardCharsets.UTF_8) : new byte[0];
        return new SnapshotFile(at, flags, this, text);
    }

    int write(byte[] buf, int off, int len) throws SyscallException {
        if (writer == null) {
            throw new SyscallException(writeErrno);
        }
        byte[] data = new byte[len];
        System.arraycopy(buf, off, data, 0, len);
        writer.write(data);
        return len;
    }

    /** The errno for a write to a file Linux's procfs would not take (EIO for /proc's own files). */
    static final int NOT_WRITABLE = Errno.EIO;
}
