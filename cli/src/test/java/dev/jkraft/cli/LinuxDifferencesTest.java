package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Places where jkraft answers a guest differently from Linux, each shown by a named extra check of
 * a guest program (badptr.c, madv.c: run with the check's name as argument) whose output is compared
 * with the same check run natively, in all four builds. Every test here is a bug reproduction and
 * stays disabled until the bug is fixed; then it moves into GuestProgramsTest's default runs.
 */
class LinuxDifferencesTest {

    @Test
    void readAtEndOfFileIntoABadBufferReturnsZero() {
        assertSameAsNative("badptr", "read-eof-into-bad-buffer");
    }

    @Test
    void getrandomIntoAShortBufferReturnsWhatItCopied() {
        assertSameAsNative("badptr", "getrandom-partial");
    }

    @Test
    void rseqChecksTheAreaAsLinuxDoes() {
        assertSameAsNative("badptr", "rseq");
    }

    @Test
    void aCountThatIsNegativeAsSsizeTIsEfault() {
        assertSameAsNative("badptr", "huge-count");
    }

    @Test
    void mmapFixedInTheKernelHalfIsEnomem() {
        assertSameAsNative("badptr", "mmap-fixed-kernel-half");
    }

    @Test
    void dontneedPastTheEndStillDropsTheMappedPages() {
        assertSameAsNative("madv", "dontneed-past-the-end");
    }

    @Test
    void mprotectOverAHoleChangesThePartBeforeIt() {
        assertSameAsNative("madv", "mprotect-hole");
    }

    @Test
    void mprotectAcceptsProtSem() {
        assertSameAsNative("madv", "mprotect-prot-sem");
    }

    @Test
    void mprotectOfZeroLengthSucceedsWhateverTheBits() {
        assertSameAsNative("madv", "mprotect-length-0");
    }

    @Test
    void mprotectWithAWrappingLengthIsEnomem() {
        assertSameAsNative("madv", "mprotect-length-wraps");
    }

    @Test
    void madviseWithAWrappingLengthIsEinval() {
        assertSameAsNative("madv", "madvise-length-wraps");
    }

    @Test
    void madviseOfAHugeRangeAnswersAtOnce() {
        // Static builds only: in a dynamic one the range above p holds the C library, which
        // MADV_DONTNEED wipes natively as well.
        assertSameAsNative(GuestRun.STATIC_VARIANTS, "madv", "madvise-huge-length");
    }

    @Test
    void madviseOnAnUnmappedRangeIsEnomem() {
        assertSameAsNative("madv", "madvise-unmapped");
    }

    @Test
    void aHintBelowMmapMinAddrIsNotUsed() {
        assertSameAsNative("madv", "mmap-hint-below-min-addr");
    }

    @Test
    void brkKeepsAGuardPageBelowTheNextMapping() {
        assertSameAsNative("madv", "brk-guard-gap");
    }

    /** The named checks of {@code program}: same stdout and exit status as natively, in every build. */
    @Test
    void pollYieldChangesNothingAGuestCanSee() {
        for (String variant : List.of("musl-static", "glibc-dyn")) {
            GuestRun run = new GuestRun(GuestRun.guest("poll", variant), List.of(), new byte[0]);
            GuestRun.Result host = run.onHost();
            TestPlatform.require();
            GuestRun.Result guest = run.underJkraft(java.util.Map.of("poll.yield", "true"));
            assertThat(guest.out()).as("poll with poll.yield=true; diagnostics:%n%s", guest.diagnostics())
                    .isEqualTo(host.out());
        }
    }

    private static void assertSameAsNative(String program, String... checks) {
        assertSameAsNative(GuestRun.VARIANTS, program, checks);
    }

    private static void assertSameAsNative(List<String> variants, String program, String... checks) {
        for (String variant : variants) {
            GuestRun run = new GuestRun(GuestRun.guest(program, variant), List.of(checks), new byte[0]);
            GuestRun.Result host = run.onHost();
            assertThat(host.status()).as("native status of %s %s", run.argv0(), String.join(" ", checks)).isZero();
            TestPlatform.require();
            GuestRun.Result guest = run.underJkraft();
            assertThat(guest.out()).as("stdout of %s %s under jkraft; diagnostics:%n%s", run.argv0(),
                    String.join(" ", checks), guest.diagnostics()).isEqualTo(host.out());
            assertThat(guest.status()).as("exit status of %s under jkraft", run.argv0()).isEqualTo(host.status());
        }
    }
}
