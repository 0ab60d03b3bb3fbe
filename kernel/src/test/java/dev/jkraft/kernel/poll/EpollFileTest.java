package dev.jkraft.kernel.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpollFileTest {
    private static PipeEnd[] pipe() {
        PipeEnd[] ends = PipeEnd.create(OpenFlags.O_NONBLOCK);
        ends[0].retain();
        ends[1].retain();
        return ends;
    }

    private static EpollFile epoll() {
        EpollFile ep = new EpollFile();
        ep.retain();
        return ep;
    }

    @Test
    void levelTriggeredReportsUntilDrained() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        ep.add(p[0], 3, Poll.POLLIN, 42);
        assertThat(ep.harvest(8)).isEmpty();
        p[1].write(new byte[2], 0, 2);
        assertThat(ep.harvest(8)).containsExactly(new EpollFile.Event(Poll.POLLIN, 42));
        assertThat(ep.harvest(8)).hasSize(1);
        p[0].read(new byte[2], 0, 2);
        assertThat(ep.harvest(8)).isEmpty();
    }

    @Test
    void edgeTriggeredReportsOncePerWake() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        ep.add(p[0], 3, Poll.POLLIN | Poll.EPOLLET, 1);
        p[1].write(new byte[1], 0, 1);
        assertThat(ep.harvest(8)).hasSize(1);
        assertThat(ep.harvest(8)).isEmpty();
        p[1].write(new byte[1], 0, 1);
        assertThat(ep.harvest(8)).hasSize(1);
    }

    @Test
    void oneShotIsDisabledUntilModified() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        p[1].write(new byte[1], 0, 1);
        ep.add(p[0], 3, Poll.POLLIN | Poll.EPOLLONESHOT, 1);
        assertThat(ep.harvest(8)).hasSize(1);
        p[1].write(new byte[1], 0, 1);
        assertThat(ep.harvest(8)).isEmpty();
        ep.modify(p[0], 3, Poll.POLLIN, 2);
        assertThat(ep.harvest(8)).containsExactly(new EpollFile.Event(Poll.POLLIN, 2));
    }

    @Test
    void aClosedFileLeavesTheSet() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        ep.add(p[0], 3, Poll.POLLIN, 1);
        assertThat(p[0].waitQueue().size()).isEqualTo(1);
        p[0].release();
        assertThat(ep.size()).isZero();
        assertThat(p[1].waitQueue().size()).isZero();
    }

    @Test
    void errorsOfTheInterestSet() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        EpollFile outer = epoll();
        ep.add(p[0], 3, Poll.POLLIN, 1);
        assertThat(catchThrowableOfType(SyscallException.class, () -> ep.add(p[0], 3, Poll.POLLIN, 1)).errno())
                .isEqualTo(Errno.EEXIST);
        assertThat(catchThrowableOfType(SyscallException.class, () -> ep.remove(p[1], 4)).errno())
                .isEqualTo(Errno.ENOENT);
        assertThat(catchThrowableOfType(SyscallException.class, () -> ep.modify(p[1], 4, Poll.POLLOUT, 0)).errno())
                .isEqualTo(Errno.ENOENT);
        outer.add(ep, 5, Poll.POLLIN, 0);
        assertThat(catchThrowableOfType(SyscallException.class, () -> ep.add(outer, 6, Poll.POLLIN, 0)).errno())
                .isEqualTo(Errno.ELOOP);
    }

    @Test
    void hangUpIsReportedUnasked() throws SyscallException {
        PipeEnd[] p = pipe();
        EpollFile ep = epoll();
        ep.add(p[0], 3, Poll.POLLIN, 7);
        p[1].release();
        assertThat(ep.harvest(8)).containsExactly(new EpollFile.Event(Poll.POLLHUP, 7));
    }

    @Test
    void nestedEpollWakesItsWaiters() throws Exception {
        PipeEnd[] p = pipe();
        EpollFile inner = epoll();
        EpollFile outer = epoll();
        inner.add(p[0], 3, Poll.POLLIN, 1);
        outer.add(inner, 4, Poll.POLLIN, 2);
        List<EpollFile.Event>[] got = new List[1];
        Thread waiter = Thread.ofPlatform().start(() -> {
            try (MultiWait w = new MultiWait()) {
                w.watch(outer.waitQueue());
                w.await(Blocking.FOREVER, () -> (got[0] = outer.harvest(8)).size());
            } catch (SyscallException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        p[1].write(new byte[1], 0, 1);
        waiter.join(5000);
        assertThat(got[0]).containsExactly(new EpollFile.Event(Poll.POLLIN, 2));
    }


}
