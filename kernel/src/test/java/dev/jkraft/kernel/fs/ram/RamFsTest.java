package dev.jkraft.kernel.fs.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RamFsTest {
    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(64);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final RamFs fs = new RamFs(frames, 16 * 4096, "tmpfs", 01777, 0, 0);
    private final Location rootLoc = new MountTable(fs, 0, "tmpfs").root().rootLocation();

    @AfterEach
    void close() {
        ram.close();
    }

    private static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    @Test
    void writesReadBackWithHolesAsZeros() throws SyscallException {
        Vnode f = fs.root().create("f", 0644, 0, 0);
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(f.write(3 * 4096 + 10, hello, 0, 5)).isEqualTo(5);
        assertThat(f.attrs().size()).isEqualTo(3 * 4096 + 15);
        assertThat(f.attrs().blocks()).isEqualTo(8);
        byte[] back = new byte[20];
        assertThat(f.read(3 * 4096 + 5, back, 0, 20)).isEqualTo(10);
        assertThat(new String(back, 5, 5, StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(back[0]).isZero();
        assertThat(f.read(0, back, 0, 20)).isEqualTo(20);
        assertThat(back).containsOnly(0);
    }

    @Test
    void truncateZeroesWhatLaterRegrows() throws SyscallException {
        Vnode f = fs.root().create("f", 0644, 0, 0);
        f.write(0, "abcdefgh".getBytes(StandardCharsets.UTF_8), 0, 8);
        f.truncate(3);
        f.truncate(8);
        byte[] b = new byte[8];
        f.read(0, b, 0, 8);
        assertThat(new String(b, 0, 3, StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(b[3]).isZero();
        f.truncate(0);
        assertThat(fs.pagesInUse()).isZero();
    }

    @Test
    void aFullFileSystemIsEnospcAndAPartialWriteCounts() throws SyscallException {
        Vnode f = fs.root().create("f", 0644, 0, 0);
        byte[] big = new byte[20 * 4096];
        assertThat(f.write(0, big, 0, big.length)).isEqualTo(16 * 4096);
        errno(Errno.ENOSPC, () -> f.write(16 * 4096, big, 0, 1));
        assertThat(fs.statfs().bfree()).isZero();
    }

    @Test
    void pagesOfAnUnlinkedFileGoWhenTheLastOpenCloses() throws SyscallException {
        Vnode f = fs.root().create("f", 0644, 0, 0);
        OpenFile open = f.open(rootLoc.child(f, "f"), OpenFlags.O_RDWR).retain();
        f.write(0, new byte[8192], 0, 8192);
        int used = frames.framesInUse();
        fs.root().unlink("f");
        assertThat(frames.framesInUse()).isEqualTo(used);
        byte[] b = new byte[4];
        assertThat(open.read(b, 0, 4)).isEqualTo(4);
        open.release();
        assertThat(frames.framesInUse()).isEqualTo(used - 2);
        assertThat(fs.pagesInUse()).isZero();
    }

    @Test
    void sharedMappingsSeeTheFilesOwnPagesWhichOutliveATruncate() throws SyscallException {
        Vnode f = fs.root().create("f", 0644, 0, 0);
        f.write(0, new byte[8192], 0, 8192);
        OpenFile open = f.open(rootLoc.child(f, "f"), OpenFlags.O_RDWR).retain();
        var pages = open.pages();
        assertThat(pages.shares()).isTrue();
        long frame = pages.frame(4096);
        assertThat(frame).isPositive();
        assertThat(pages.frame(4096)).isEqualTo(frame);
        assertThat(pages.frame(8192)).as("past the end").isEqualTo(-1);
        frames.ram().set(java.lang.foreign.ValueLayout.JAVA_BYTE, frame + 5, (byte) 42);
        byte[] b = new byte[1];
        f.read(4096 + 5, b, 0, 1);
        assertThat(b[0]).isEqualTo((byte) 42);
        int used = frames.framesInUse();
        f.truncate(0);
        assertThat(frames.framesInUse()).as("still mapped").isEqualTo(used);
        pages.release();
        assertThat(frames.framesInUse()).isEqualTo(used - 2);
        open.release();
    }

    @Test
    void renameFollowsLinuxRules() throws SyscallException {
        Vnode r = fs.root();
        Vnode d = r.mkdir("d", 0755, 0, 0);
        Vnode e = r.mkdir("e", 0755, 0, 0);
        e.create("x", 0644, 0, 0);
        r.create("f", 0644, 0, 0);
        r.create("g", 0644, 0, 0);
        errno(Errno.EINVAL, () -> r.rename("d", d, "inside", 0));
        errno(Errno.ENOTEMPTY, () -> r.rename("d", r, "e", 0));
        errno(Errno.EISDIR, () -> r.rename("f", r, "d", 0));
        errno(Errno.ENOTDIR, () -> r.rename("d", r, "f", 0));
        errno(Errno.EEXIST, () -> r.rename("f", r, "g", 1));
        errno(Errno.ENOENT, () -> r.rename("f", r, "none", 2));
        long fIno = r.lookup("f").ino();
        r.rename("f", r, "g", 0);
        assertThat(r.lookup("g").ino()).isEqualTo(fIno);
        errno(Errno.ENOENT, () -> r.lookup("f"));
        r.rename("g", e, "x", 2);
        assertThat(e.lookup("x").ino()).isEqualTo(fIno);
        assertThat(r.attrs().nlink()).isEqualTo(4);
        r.rename("d", e, "d", 0);
        assertThat(r.attrs().nlink()).isEqualTo(3);
        assertThat(e.attrs().nlink()).isEqualTo(3);
    }

    @Test
    void unlinkRmdirAndLinkAnswerAsLinux() throws SyscallException {
        Vnode r = fs.root();
        Vnode d = r.mkdir("d", 0755, 0, 0);
        Vnode f = r.create("f", 0644, 0, 0);
        errno(Errno.EISDIR, () -> r.unlink("d"));
        errno(Errno.ENOTDIR, () -> r.rmdir("f"));
        errno(Errno.EEXIST, () -> r.mkdir("d", 0755, 0, 0));
        errno(Errno.EPERM, () -> r.link("d2", d));
        r.link("f2", f);
        assertThat(f.attrs().nlink()).isEqualTo(2);
        d.create("in", 0644, 0, 0);
        errno(Errno.ENOTEMPTY, () -> r.rmdir("d"));
        d.unlink("in");
        r.rmdir("d");
        errno(Errno.ENOENT, () -> r.lookup("d"));
    }

    @Test
    void aTmpfileTakesOneNameUnlessExclAndItsPagesGoWithItsLastClose() throws SyscallException {
        Vnode r = fs.root();
        Vnode t = r.tmpfile(0600, 0, 0, true);
        OpenFile open = t.open(rootLoc.child(t, "#" + t.ino()), OpenFlags.O_RDWR).retain();
        assertThat(t.attrs().nlink()).isZero();
        t.write(0, new byte[4096], 0, 4096);
        r.link("named", t);
        assertThat(t.attrs().nlink()).isEqualTo(1);
        r.unlink("named");
        errno(Errno.ENOENT, () -> r.link("again", t));
        open.release();
        assertThat(fs.pagesInUse()).isZero();
        Vnode excl = r.tmpfile(0600, 0, 0, false);
        errno(Errno.ENOENT, () -> r.link("excl", excl));
    }

    @Test
    void sealsForbidWhatTheyNameAndF_SEAL_SEALForbidsMore() throws SyscallException {
        Vnode f = fs.root().create("f", 0755, 0, 0);
        assertThat(f.seals()).isEqualTo(FcntlCmds.F_SEAL_SEAL);
        errno(Errno.EPERM, () -> f.addSeals(FcntlCmds.F_SEAL_WRITE));
        f.initSeals(0);
        f.write(0, new byte[10], 0, 10);
        f.addSeals(FcntlCmds.F_SEAL_SHRINK | FcntlCmds.F_SEAL_GROW);
        errno(Errno.EPERM, () -> f.truncate(5));
        errno(Errno.EPERM, () -> f.truncate(11));
        errno(Errno.EPERM, () -> f.write(9, new byte[2], 0, 2));
        assertThat(f.write(8, new byte[2], 0, 2)).isEqualTo(2);
        f.addSeals(FcntlCmds.F_SEAL_EXEC);
        assertThat(f.seals()).isEqualTo(FcntlCmds.F_SEAL_SHRINK | FcntlCmds.F_SEAL_GROW | FcntlCmds.F_SEAL_WRITE
                | FcntlCmds.F_SEAL_FUTURE_WRITE | FcntlCmds.F_SEAL_EXEC);
        errno(Errno.EPERM, () -> f.write(0, new byte[1], 0, 1));
        errno(Errno.EPERM, () -> f.chmod(0644));
        f.chmod(0711);
        errno(Errno.EINVAL, () -> f.addSeals(0x40));
        f.addSeals(FcntlCmds.F_SEAL_SEAL);
        errno(Errno.EPERM, () -> f.addSeals(0));
        errno(Errno.EINVAL, () -> fs.root().seals());
    }
}
