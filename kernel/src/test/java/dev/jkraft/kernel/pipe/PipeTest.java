package dev.jkraft.kernel.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PipeTest {
    private static PipeEnd[] open(int flags) {
        PipeEnd[] ends = PipeEnd.create(flags);
        ends[0].retain();
        ends[1].retain();
        return ends;
    }



    @Test
    void capacityIsCountedInPageSlots() throws SyscallException {
        PipeEnd[] p = open(OpenFlags.O_NONBLOCK);
        byte[] k = new byte[1000];
        int writes = 0;
        try {
            for (;;) {
                p[1].write(k, 0, k.length);
                writes++;
            }
        } catch (SyscallException full) {
            assertThat(full.errno()).isEqualTo(Errno.EAGAIN);
        }
        // Four 1000-byte writes share a page; the 65th needs a 17th slot.
        assertThat(writes).isEqualTo(64);
        assertThat(p[0].pipe().available()).isEqualTo(64_000);
        assertThat(p[1].poll() & Poll.POLLOUT).isZero();
    }

    @Test
    void smallWritesAreAtomic() throws SyscallException {
        PipeEnd[] p = open(OpenFlags.O_NONBLOCK);
        assertThat(p[1].write(new byte[65_526], 0, 65_526)).isEqualTo(65_526);
        assertThat(catchThrowableOfType(SyscallException.class, () -> p[1].write(new byte[100], 0, 100)).errno())
                .isEqualTo(Errno.EAGAIN);
        assertThat(p[1].write(new byte[10], 0, 10)).isEqualTo(10);
    }

    @Test
    void packetsAreReadOneAtATimeAndTruncated() throws SyscallException {
        PipeEnd[] p = open(OpenFlags.O_DIRECT);
        p[1].write("abc".getBytes(), 0, 3);
        p[1].write("defgh".getBytes(), 0, 5);
        byte[] b = new byte[10];
        assertThat(p[0].read(b, 0, 2)).isEqualTo(2);
        assertThat(p[0].read(b, 0, 10)).isEqualTo(5);
        assertThat(new String(b, 0, 5)).isEqualTo("defgh");
    }

    @Test
    void endOfFileAndBrokenPipe() throws SyscallException {
        PipeEnd[] p = open(0);
        p[1].write(new byte[] {1}, 0, 1);
        p[1].release();
        assertThat(p[0].poll()).isEqualTo(Poll.IN | Poll.POLLHUP);
        assertThat(p[0].read(new byte[4], 0, 4)).isEqualTo(1);
        assertThat(p[0].read(new byte[4], 0, 4)).isZero();

        PipeEnd[] q = open(0);
        q[0].release();
        assertThat(q[1].poll()).isEqualTo(Poll.OUT | Poll.POLLERR);
        assertThat(catchThrowableOfType(SyscallException.class, () -> q[1].write(new byte[1], 0, 1)).errno())
                .isEqualTo(Errno.EPIPE);
    }

    @Test
    void resizeRoundsUpAndRefusesToDropBuffers() throws SyscallException {
        Pipe pipe = open(0)[0].pipe();
        assertThat(pipe.resize(5000, false)).isEqualTo(8192);
        assertThat(pipe.resize(0, false)).isEqualTo(4096);
        assertThat(catchThrowableOfType(SyscallException.class, () -> pipe.resize(2 << 20, false)).errno())
                .isEqualTo(Errno.EPERM);
        assertThat(pipe.resize(2 << 20, true)).isEqualTo(2 << 20);
        assertThat(catchThrowableOfType(SyscallException.class, () -> pipe.resize(-1L, true)).errno())
                .isEqualTo(Errno.EINVAL);
        pipe.write(new byte[3 * 4096], 0, 3 * 4096, false);
        assertThat(catchThrowableOfType(SyscallException.class, () -> pipe.resize(8192, false)).errno())
                .isEqualTo(Errno.EBUSY);
        assertThat(pipe.resize(16384, false)).isEqualTo(16384);
    }

    @Test
    void aBlockedReaderIsWokenByAWrite() throws Exception {
        PipeEnd[] p = open(0);
        AtomicInteger got = new AtomicInteger(-1);
        Thread reader = Thread.ofPlatform().start(() -> {
            byte[] b = new byte[8];
            try {
                got.set(Blocking.retry(p[0], Poll.IN, () -> p[0].read(b, 0, b.length)));
            } catch (SyscallException e) {
                got.set(-e.errno());
            }
        });
        Thread.sleep(50);
        p[1].write(new byte[3], 0, 3);
        reader.join(5000);
        assertThat(got.get()).isEqualTo(3);
    }

    @Test
    void aBlockedReaderIsInterrupted() throws Exception {
        PipeEnd[] p = open(0);
        AtomicInteger got = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                Blocking.retry(p[0], Poll.IN, () -> p[0].read(new byte[1], 0, 1));
            } catch (SyscallException e) {
                got.set(e.errno());
            }
        });
        Thread.sleep(50);
        reader.interrupt();
        reader.join(5000);
        // Signal delivery turns it into EINTR, or a restart under SA_RESTART.
        assertThat(got.get()).isEqualTo(Errno.ERESTARTSYS);
    }

    @Test
    void unreadBytesComeBackFirst() throws SyscallException {
        PipeEnd[] p = open(OpenFlags.O_NONBLOCK);
        p[1].write("cd".getBytes(), 0, 2);
        p[0].pipe().unread("ab".getBytes(), 0, 2);
        byte[] b = new byte[4];
        assertThat(p[0].read(b, 0, 4)).isEqualTo(4);
        assertThat(new String(b)).isEqualTo("abcd");
        assertThatThrownBy(() -> p[0].read(b, 0, 4)).isInstanceOf(SyscallException.class);
    }
}
