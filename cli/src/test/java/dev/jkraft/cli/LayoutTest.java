package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Address-space layout: randomized from the CSPRNG by default, as Linux with
 * randomize_va_space=2, fixed with {@code vmem.aslr=false}; the stack's guard gap and its option.
 */
class LayoutTest {
    private static final GuestRun MAPS = new GuestRun(Path.of("/bin/cat"), List.of("/proc/self/maps"), new byte[0]);

    private static String maps(Map<String, String> options) {
        TestPlatform.require();
        GuestRun.Result r = MAPS.underJkraft(options);
        assertThat(r.status()).as(r.diagnostics()).isZero();
        return r.out();
    }

    private static String line(String maps, String name) {
        return maps.lines().filter(l -> l.endsWith(name)).findFirst().orElseThrow();
    }

    @Test
    void twoRunsGetDifferentStackMmapAndPieAddresses() {
        String a = maps(Map.of());
        String b = maps(Map.of());
        assertThat(line(a, "[stack]")).isNotEqualTo(line(b, "[stack]"));
        assertThat(line(a, "[vdso]")).isNotEqualTo(line(b, "[vdso]"));
        assertThat(a.lines().findFirst()).isNotEqualTo(b.lines().findFirst()); // the PIE's first segment
        assertThat(line(a, "[heap]")).isNotEqualTo(line(b, "[heap]"));
        // The PIE still lands in the 0x55.../0x56... range, the stack high in the lower half.
        assertThat(a.lines().findFirst().orElseThrow()).matches("5[56][0-9a-f]{10}-.*");
        assertThat(line(a, "[stack]")).matches("7ff[0-9a-f]{9}-7ff[0-9a-f]{9} rw-p .*");
    }

    @Test
    void withoutRandomizationTheLayoutIsLinuxsFixedOne() {
        Map<String, String> off = Map.of("vmem.aslr", "false");
        String a = maps(off);
        assertThat(maps(off)).isEqualTo(a);
        assertThat(a.lines().findFirst().orElseThrow()).startsWith("555555554000-");
        // As under setarch -R: the stack ends at 0x7ffffffff000 and starts 128 KiB below the page
        // of the argument strings (0x7ffffffde000 for a small environment).
        String stack = line(a, "[stack]");
        assertThat(stack).matches("7ffff[0-9a-f]{7}-7ffffffff000 rw-p .*");
        assertThat(Long.parseLong(stack.substring(0, 12), 16)).isLessThanOrEqualTo(0x7ffffffde000L);
    }

    @Test
    void theGuardGapBelowTheStackIsNamedInTheReportAndCanBeTurnedOff() {
        GuestRun overflow = new GuestRun(GuestRun.guest("faults", "musl-static"), List.of("guard"), new byte[0]);
        TestPlatform.require();
        GuestRun.Result guarded = overflow.underJkraft(Map.of());
        assertThat(guarded.status()).isEqualTo(139);
        assertThat(guarded.diagnostics()).contains("in the stack guard gap").contains("[SEGV_MAPERR");
        assertThat(maps(Map.of())).doesNotContain("guard");
        GuestRun.Result bare = overflow.underJkraft(Map.of("vmem.stack_guard_pages_bottom", "0"));
        assertThat(bare.status()).isEqualTo(139);
        assertThat(bare.diagnostics()).contains("write of unmapped address").doesNotContain("guard");
    }
}
