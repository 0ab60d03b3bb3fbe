package dev.jkraft.kernel.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The set*id and capset rules of kernel/sys.c and commoncap.c, as Credentials applies them. */
class CredentialsTest {
    private static final Credentials ROOT = Credentials.user(0, 0);
    private static final Credentials USER = Credentials.user(1000, 1000);
    private static final int U = Credentials.UNCHANGED;

    private static void fails(int errno, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(errno));
    }

    @Test
    void execGivesRootEveryCapabilityAndOthersNone() {
        assertThat(ROOT.effective()).isEqualTo(Capabilities.ALL).isEqualTo((1L << 41) - 1);
        assertThat(ROOT.permitted()).isEqualTo(Capabilities.ALL);
        assertThat(USER.effective()).isZero();
        assertThat(USER.permitted()).isZero();
        assertThat(USER.bounding()).isEqualTo(Capabilities.ALL);
        // A set-uid-root style start (real 1000, effective 0) and the reverse (real 0, effective 1000).
        Credentials suidRoot = Credentials.atExec(1000, 0, 1000, 1000, List.of());
        assertThat(suidRoot.effective()).isEqualTo(Capabilities.ALL);
        Credentials realRoot = Credentials.atExec(0, 1000, 0, 0, List.of());
        assertThat(realRoot.permitted()).isEqualTo(Capabilities.ALL);
        assertThat(realRoot.effective()).isZero();
        assertThat(ROOT.capable(Capabilities.CAP_DAC_OVERRIDE)).isTrue();
        assertThat(USER.capable(Capabilities.CAP_DAC_OVERRIDE)).isFalse();
    }

    @Test
    void setuidWithCapSetuidSetsEveryIdAndDropsTheCapabilities() throws SyscallException {
        Credentials c = ROOT.setuid(1000, false);
        assertThat(List.of(c.uid(), c.euid(), c.suid(), c.fsuid())).containsOnly(1000);
        assertThat(c.permitted()).isZero();
        assertThat(c.effective()).isZero();
        fails(Errno.EPERM, () -> c.setuid(0, false));
        fails(Errno.EINVAL, () -> ROOT.setuid(U, false));
    }

    @Test
    void setuidWithoutCapSetuidMovesOnlyEffectiveToRealOrSaved() throws SyscallException {
        Credentials c = ROOT.setresuid(1000, 2000, 3000, false);
        Credentials back = c.setuid(3000, false);
        assertThat(List.of(back.uid(), back.euid(), back.suid(), back.fsuid())).containsExactly(1000, 3000, 3000, 3000);
        fails(Errno.EPERM, () -> c.setuid(2000, false));
    }

    @Test
    void setreuidMovesTheSavedIdWithANewEffectiveOne() throws SyscallException {
        Credentials c = ROOT.setreuid(U, 1000, false);
        assertThat(List.of(c.uid(), c.euid(), c.suid(), c.fsuid())).containsExactly(0, 1000, 1000, 1000);
        assertThat(c.effective()).isZero();
        assertThat(c.permitted()).isEqualTo(Capabilities.ALL);
        Credentials back = c.setreuid(U, 0, false);
        assertThat(List.of(back.uid(), back.euid(), back.suid())).containsExactly(0, 0, 1000);
        assertThat(back.effective()).isEqualTo(Capabilities.ALL);
        // Setting the real id always moves the saved one to the effective one.
        Credentials swapped = USER.setreuid(1000, U, false);
        assertThat(swapped.suid()).isEqualTo(1000);
        fails(Errno.EPERM, () -> USER.setreuid(U, 0, false));
        fails(Errno.EPERM, () -> USER.setreuid(0, U, false));
    }

    @Test
    void setresuidWithoutCapSetuidShufflesOnlyHeldIds() throws SyscallException {
        Credentials c = ROOT.setresuid(1000, 2000, 0, false);
        // uid 0 remains saved: permitted stays, effective is gone with euid 0.
        assertThat(c.permitted()).isEqualTo(Capabilities.ALL);
        assertThat(c.effective()).isZero();
        Credentials d = c.setresuid(2000, 1000, U, false);
        assertThat(List.of(d.uid(), d.euid(), d.suid(), d.fsuid())).containsExactly(2000, 1000, 0, 1000);
        fails(Errno.EPERM, () -> d.setresuid(3000, U, U, false));
        assertThat(USER.setresuid(U, U, U, false)).isSameAs(USER);
    }

    @Test
    void keepCapsKeepsPermittedOverTheLastUidZero() throws SyscallException {
        Credentials c = ROOT.setresuid(1000, 1000, 1000, true);
        assertThat(c.permitted()).isEqualTo(Capabilities.ALL);
        assertThat(c.effective()).isZero();
    }

    @Test
    void setfsuidDropsAndRestoresTheFileCapabilities() {
        Credentials c = ROOT.setfsuid(1234);
        assertThat(c.fsuid()).isEqualTo(1234);
        assertThat(c.effective()).isEqualTo(Capabilities.ALL & ~Capabilities.FS_SET);
        assertThat(c.capable(Capabilities.CAP_DAC_OVERRIDE)).isFalse();
        assertThat(c.capable(Capabilities.CAP_MKNOD)).isFalse();
        assertThat(c.capable(Capabilities.CAP_SETUID)).isTrue();
        assertThat(c.setfsuid(0).effective()).isEqualTo(Capabilities.ALL);
        // Without CAP_SETUID only a held id; a refused change leaves everything as it was.
        assertThat(USER.setfsuid(0)).isSameAs(USER);
        assertThat(USER.setfsuid(U)).isSameAs(USER);
    }

    @Test
    void groupIdsFollowTheSameRules() throws SyscallException {
        Credentials c = ROOT.setresgid(100, 100, 100).setregid(U, 200);
        assertThat(List.of(c.gid(), c.egid(), c.sgid(), c.fsgid())).containsExactly(100, 200, 200, 200);
        Credentials u = c.setresuid(1000, 1000, 1000, false);
        fails(Errno.EPERM, () -> u.setgid(0));
        assertThat(u.setgid(100).egid()).isEqualTo(100);
        fails(Errno.EPERM, () -> u.setregid(U, 5));
        assertThat(u.setfsgid(5)).isSameAs(u);
    }

    @Test
    void setgroupsNeedsCapSetgidAndKeepsThemSorted() throws SyscallException {
        Credentials c = ROOT.setgroups(new int[] {30, -2, 10});
        assertThat(c.groups()).containsExactly(10, 30, -2);
        assertThat(c.inGroup(30)).isTrue();
        assertThat(c.inGroup(31)).isFalse();
        fails(Errno.EINVAL, () -> ROOT.setgroups(new int[] {-1}));
        fails(Errno.EPERM, () -> USER.setgroups(new int[0]));
    }

    @Test
    void capsetKeepsEachSetWithinWhatItMay() throws SyscallException {
        long time = Capabilities.bit(Capabilities.CAP_SYS_TIME);
        Credentials c = ROOT.capset(Capabilities.ALL & ~time, Capabilities.ALL & ~time, 0);
        fails(Errno.EPERM, () -> c.capset(0, Capabilities.ALL, 0));
        fails(Errno.EPERM, () -> c.capset(time, 0, 0));
        // CAP_SETPCAP lets the inheritable set go beyond the permitted one, within the bounding set.
        assertThat(c.capset(0, 0, time).inheritable()).isEqualTo(time);
        Credentials none = c.capset(0, 0, 0);
        fails(Errno.EPERM, () -> none.capset(0, 0, time));
        // Bits above CAP_LAST_CAP are dropped, not refused.
        assertThat(ROOT.capset(-1L, -1L, 0).effective()).isEqualTo(Capabilities.ALL);
    }

    @Test
    void accessUsesTheRealIds() throws SyscallException {
        Credentials c = ROOT.setreuid(U, 1000, false).forAccess();
        assertThat(c.fsuid()).isZero();
        assertThat(c.capable(Capabilities.CAP_DAC_OVERRIDE)).isTrue();
        Credentials d = ROOT.setresuid(1000, 0, 0, false).forAccess();
        assertThat(d.fsuid()).isEqualTo(1000);
        assertThat(d.effective()).isZero();
    }
}
