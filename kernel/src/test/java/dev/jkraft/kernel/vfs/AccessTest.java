package dev.jkraft.kernel.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.process.Credentials;
import org.junit.jupiter.api.Test;

/** generic_permission: mode bits by fsuid, fsgid and supplementary groups, then the DAC capabilities. */
class AccessTest {
    private static final Credentials ROOT = Credentials.user(0, 0);
    private static final Credentials USER = Credentials.user(1000, 1000);

    private static Attrs node(int type, int perm, int uid, int gid) {
        return new Attrs(0, 1, type | perm, 1, uid, gid, 0, 0, 0, 4096, 0, 0, 0, 0);
    }

    @Test
    void groupBitsApplyToSupplementaryGroups() throws Exception {
        Attrs f = node(FileModes.S_IFREG, 0640, 0, 44);
        assertThat(Access.allowed(f, USER, Access.MAY_READ)).isFalse();
        Credentials member = ROOT.setgroups(new int[] {44}).setresuid(1000, 1000, 1000, false);
        assertThat(Access.allowed(f, member, Access.MAY_READ)).isTrue();
        assertThat(Access.allowed(f, member, Access.MAY_WRITE)).isFalse();
    }

    @Test
    void theFsuidDecidesNotTheEuid() {
        Attrs f = node(FileModes.S_IFREG, 0600, 1234, 0);
        Credentials fs = USER.setfsuid(1234);
        assertThat(fs).isSameAs(USER); // 1000 may not take fsuid 1234
        Credentials rootAs1234 = ROOT.setfsuid(1234);
        assertThat(Access.allowed(f, rootAs1234, Access.MAY_READ | Access.MAY_WRITE)).isTrue();
        // fsuid 1234 dropped CAP_DAC_OVERRIDE: another's 0600 file is closed.
        assertThat(Access.allowed(node(FileModes.S_IFREG, 0600, 5, 5), rootAs1234, Access.MAY_READ)).isFalse();
    }

    @Test
    void dacCapabilitiesAsLinuxAppliesThem() throws Exception {
        Attrs dir = node(FileModes.S_IFDIR, 0700, 5, 5);
        Attrs file = node(FileModes.S_IFREG, 0600, 5, 5);
        Attrs noExec = node(FileModes.S_IFREG, 0644, 5, 5);
        assertThat(Access.allowed(dir, ROOT, Access.MAY_WRITE | Access.MAY_EXEC)).isTrue();
        assertThat(Access.allowed(noExec, ROOT, Access.MAY_EXEC)).isFalse();
        assertThat(Access.allowed(node(FileModes.S_IFREG, 0100, 5, 5), ROOT, Access.MAY_EXEC)).isTrue();
        // CAP_DAC_READ_SEARCH alone: read files, read and search directories, nothing else.
        long readSearch = 1L << dev.jkraft.kernel.abi.Capabilities.CAP_DAC_READ_SEARCH;
        Credentials reader = ROOT.capset(readSearch, readSearch, 0);
        assertThat(Access.allowed(file, reader, Access.MAY_READ)).isTrue();
        assertThat(Access.allowed(file, reader, Access.MAY_WRITE)).isFalse();
        assertThat(Access.allowed(dir, reader, Access.MAY_READ | Access.MAY_EXEC)).isTrue();
        assertThat(Access.allowed(dir, reader, Access.MAY_WRITE | Access.MAY_EXEC)).isFalse();
        assertThat(Access.allowed(file, USER, Access.MAY_READ)).isFalse();
    }
}
