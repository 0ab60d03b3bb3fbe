package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Places where jkraft answers a guest differently from Linux, each shown by a named extra check of
 * a guest program (badptr.c, madv.c: run with the check's name as argument) whose output is compared
 * with the same check run natively, in all four builds. Every test here is a bug reproduction and
 * stays disabled until the bug is fixed; then it moves into GuestProgramsTest's default runs.
 */
class LinuxDifferencesTest {

    @Disabled("BUG: read(0, (void *)8, 10) on stdin at end-of-file returns -1 EFAULT under jkraft "
            + "(SysReadWrite.readInto probes the buffer before reading); Linux returns 0 and never touches "
            + "the buffer")
    @Test
    void readAtEndOfFileIntoABadBufferReturnsZero() {
        assertSameAsNative("badptr", "read-eof-into-bad-buffer");
    }

    @Disabled("BUG: getrandom(p + 4096 - 8, 16, 0) with the next page unmapped returns -1 EFAULT under "
            + "jkraft; Linux fills the 8 bytes it can and returns 8")
    @Test
    void getrandomIntoAShortBufferReturnsWhatItCopied() {
        assertSameAsNative("badptr", "getrandom-partial");
    }

    @Disabled("BUG: read(0, p, (size_t)-1) returns 0 under jkraft (the count is clamped to MAX_RW_COUNT, then "
            + "end-of-file); Linux answers EFAULT because access_ok() fails for a count that is negative as "
            + "ssize_t")
    @Test
    void aCountThatIsNegativeAsSsizeTIsEfault() {
        assertSameAsNative("badptr", "huge-count");
    }

    @Disabled("BUG: mmap(MAP_FIXED) at 0xfffffffffffff000, 0xffffffffffffe000 or 0xffff800000000000 succeeds "
            + "under jkraft (AddressSpace.map compares signed longs); Linux answers ENOMEM. Touching the page "
            + "then stops jkraft with 'internal error: IndexOutOfBoundsException', status 125")
    @Test
    void mmapFixedInTheKernelHalfIsEnomem() {
        assertSameAsNative("badptr", "mmap-fixed-kernel-half");
    }

    @Disabled("BUG: madvise(p, 3 pages, MADV_DONTNEED) over [page][page][hole] returns ENOMEM, but the "
            + "two mapped pages still read their old contents under jkraft: SysMmap.madvise skips "
            + "flushTo(cpu) when discard() throws, so the CPU keeps stale translations to frames that were "
            + "freed (and may be handed out again). Linux zeroes them")
    @Test
    void dontneedPastTheEndStillDropsTheMappedPages() {
        assertSameAsNative("madv", "dontneed-past-the-end");
    }

    @Disabled("BUG: mprotect(p, 3 pages, PROT_READ) over [rw][hole][rw] answers ENOMEM and changes nothing under "
            + "jkraft; Linux (mm/mprotect.c) makes the part before the hole read-only, then answers ENOMEM")
    @Test
    void mprotectOverAHoleChangesThePartBeforeIt() {
        assertSameAsNative("madv", "mprotect-hole");
    }

    @Disabled("BUG: mprotect(p, 4096, PROT_READ | PROT_SEM) is EINVAL under jkraft; Linux accepts PROT_SEM "
            + "(arch_validate_prot) and returns 0")
    @Test
    void mprotectAcceptsProtSem() {
        assertSameAsNative("madv", "mprotect-prot-sem");
    }

    @Disabled("BUG: mprotect(p, 0, 0x100) is EINVAL under jkraft; Linux returns 0 for a zero length before it "
            + "looks at the protection bits")
    @Test
    void mprotectOfZeroLengthSucceedsWhateverTheBits() {
        assertSameAsNative("madv", "mprotect-length-0");
    }

    @Disabled("BUG: mprotect(p, (size_t)-1, PROT_READ) returns 0 under jkraft (the length rounds up to 0); Linux "
            + "answers ENOMEM")
    @Test
    void mprotectWithAWrappingLengthIsEnomem() {
        assertSameAsNative("madv", "mprotect-length-wraps");
    }

    @Disabled("BUG: madvise(p, (size_t)-1, MADV_DONTNEED) returns 0 under jkraft; Linux answers EINVAL")
    @Test
    void madviseWithAWrappingLengthIsEinval() {
        assertSameAsNative("madv", "madvise-length-wraps");
    }

    @Disabled("BUG: madvise(p, 1UL << 46, MADV_DONTNEED) hangs jkraft: AddressSpace.discard visits every page of "
            + "the range (2^34 of them) holding the address-space lock; Linux answers EINVAL at once (range "
            + "past TASK_SIZE), and ENOMEM at once for 1 TiB of nothing at 16 TiB")
    @Test
    void madviseOfAHugeRangeAnswersAtOnce() {
        assertSameAsNative("madv", "madvise-huge-length");
    }

    @Disabled("BUG: madvise(MADV_NORMAL / MADV_WILLNEED / MADV_FREE) on an unmapped range returns 0 under jkraft; "
            + "Linux answers ENOMEM for every valid advice when the range is not all mapped")
    @Test
    void madviseOnAnUnmappedRangeIsEnomem() {
        assertSameAsNative("madv", "madvise-unmapped");
    }

    @Disabled("BUG: mmap((void *)0x1000, ...) without MAP_FIXED is placed at 0x1000 under jkraft; Linux does not "
            + "use a hint below vm.mmap_min_addr (4096 here) and places the mapping top-down")
    @Test
    void aHintBelowMmapMinAddrIsNotUsed() {
        assertSameAsNative("madv", "mmap-hint-below-min-addr");
    }

    @Disabled("BUG: brk may grow right up to the next mapping under jkraft (AddressSpace.brk checks only for "
            + "overlap); Linux refuses a break whose page-aligned end is less than one page below the next "
            + "mapping (mm/mmap.c brk: newbrk + PAGE_SIZE > vm_start_gap(next))")
    @Test
    void brkKeepsAGuardPageBelowTheNextMapping() {
        assertSameAsNative("madv", "brk-guard-gap");
    }

    /** The named checks of {@code program}: same stdout and exit status as natively, in every build. */
    private static void assertSameAsNative(String program, String... checks) {
        for (String variant : GuestRun.VARIANTS) {
            GuestRun run = new GuestRun(GuestRun.guest(program, variant), List.of(checks), new byte[0]);
            GuestRun.Result host = run.onHost();
            assertThat(host.status()).as("native status of %s %s", run.argv0(), String.join(" ", checks)).isZero();
            KvmRequirement.require();
            GuestRun.Result guest = run.underJkraft();
            assertThat(guest.out()).as("stdout of %s %s under jkraft; diagnostics:%n%s", run.argv0(),
                    String.join(" ", checks), guest.diagnostics()).isEqualTo(host.out());
            assertThat(guest.status()).as("exit status of %s under jkraft", run.argv0()).isEqualTo(host.status());
        }
    }
}
