package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * /proc/self/maps in Linux's format: the file-backed lines (rights, offset, device, inode, path)
 * of `cat /proc/self/maps` are the native run's, in the same order; addresses differ (the native
 * run has address-space randomization). Both have the [vvar], [vdso] and [vsyscall] areas, the
 * last one with the same address and rights.
 */
class ProcMapsTest {
    private static List<String> fileLines(String maps) {
        return maps.lines()
                .filter(l -> l.length() > 73 && l.charAt(73) == '/')
                .map(l -> l.substring(l.indexOf(' ') + 1))
                .toList();
    }

    @Test
    void fileBackedLinesMatchTheNativeRunAndTheFormatIsLinuxs() {
        GuestRun run = new GuestRun(Path.of("/bin/cat"), List.of("/proc/self/maps"), new byte[0]);
        GuestRun.Result host = run.onHost();
        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.status()).isZero();
        assertThat(fileLines(guest.out())).isNotEmpty().isEqualTo(fileLines(host.out()));
        assertThat(guest.out().lines()).allMatch(l -> l.matches(
                "[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \\d+ (\\s*\\S.*)?"));
        assertThat(guest.out()).contains("[heap]").contains("[stack]");
        for (String special : List.of(" r--p 00000000 00:00 0", " r-xp 00000000 00:00 0")) {
            assertThat(guest.out().lines().filter(l -> l.contains(special) && l.endsWith("]"))).isNotEmpty();
        }
        assertThat(guest.out()).contains("[vvar]").contains("[vdso]");
        String vsyscall = "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]";
        assertThat(host.out().lines()).contains(vsyscall);
        assertThat(guest.out().lines()).contains(vsyscall);
    }
}
