package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.NodeFile;
import dev.jkraft.kernel.vfs.Vnode;

/**
 * An open procfs file: a {@link NodeFile} over the text made at open (a stand-in node with the
 * file's identity and that text), with seq_lseek's SEEK_SET and SEEK_CUR only.
 */
final class SnapshotFile extends NodeFile {
    SnapshotFile(Location at, int flags, ProcFile file, byte[] text) {
        super(new Location(at.mount(), new Snapshot(file, text), at.parent(), at.name()), flags);
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        if (whence != Seek.SEEK_SET && whence != Seek.SEEK_CUR) {
            throw new SyscallException(Errno.EINVAL);
        }
        return super.seek(offset, whence);
    }

    /** The procfs file as one open sees it: its attributes, the text of that open, its writes. */
    private static final class Snapshot extends Vnode {
        private final ProcFile file;
        private final byte[] text;

        Snapshot(ProcFile file, byte[] text) {
            super(file.fs());
            this.file = file;
            this.text = text;
        }

        @Override
        public long ino() {
            return file.ino();
        }

        @Override
        public Attrs attrs() throws SyscallException {
            return file.attrs();
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) {
            if (position >= text.length) {
                return 0;
            }
            int n = (int) Math.min(len, text.length - position);
            System.arraycopy(text, (int) position, buf, off, n);
            return n;
        }

        @Override
        public int write(long position, byte[] buf, int off, int len) throws SyscallException {
            return file.write(buf, off, len);
        }
    }
}
