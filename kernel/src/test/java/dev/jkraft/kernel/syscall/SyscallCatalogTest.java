package dev.jkraft.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyscallCatalogTest {
    private static final Path UNISTD_64 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    @ParameterizedTest
    @CsvSource({
        "0, read", "1, write", "9, mmap", "12, brk", "39, getpid", "59, execve", "60, exit",
        "158, arch_prctl", "202, futex", "218, set_tid_address", "231, exit_group", "257, openat",
        "262, newfstatat", "273, set_robust_list", "302, prlimit64", "318, getrandom", "332, statx",
        "334, rseq", "424, pidfd_send_signal", "435, clone3", "439, faccessat2", "449, futex_waitv",
        "457, statmount", "458, listmount", "461, lsm_list_modules", "462, mseal",
    })
    void knowsNumberAndName(int nr, String name) {
        assertThat(SyscallCatalog.byNumber(nr).name()).isEqualTo(name);
        assertThat(SyscallCatalog.byNumber(nr).number()).isEqualTo(nr);
        assertThat(SyscallCatalog.numberOf(name)).hasValue(nr);
    }

    @Test
    void coversBothNumberRangesWithoutGaps() {
        for (int nr = 0; nr <= 334; nr++) {
            assertThat(SyscallCatalog.byNumber(nr)).as("syscall %d", nr).isNotNull();
        }
        for (int nr = 424; nr <= 462; nr++) {
            assertThat(SyscallCatalog.byNumber(nr)).as("syscall %d", nr).isNotNull();
        }
        for (int nr = 337; nr < 424; nr++) {
            assertThat(SyscallCatalog.byNumber(nr)).as("syscall %d", nr).isNull();
        }
    }

    @Test
    void unknownNumbersAndNames() {
        assertThat(SyscallCatalog.byNumber(-1)).isNull();
        assertThat(SyscallCatalog.byNumber(SyscallCatalog.maxNumber() + 1)).isNull();
        assertThat(SyscallCatalog.byNumber(512)).isNull();
        assertThat(SyscallCatalog.numberOf("no_such_call")).isEmpty();
        assertThat(SyscallCatalog.maxNumber()).isGreaterThanOrEqualTo(462);
    }

    @Test
    void namesAndNumbersAreUnique() {
        List<SyscallSignature> all = SyscallCatalog.all();
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (SyscallSignature sig : all) {
            assertThat(names.add(sig.name())).as("duplicate %s", sig.name()).isTrue();
            assertThat(numbers.add(sig.number())).as("duplicate %d", sig.number()).isTrue();
            assertThat(SyscallCatalog.byNumber(sig.number())).isSameAs(sig);
        }
        assertThat(all).isSortedAccordingTo((a, b) -> Integer.compare(a.number(), b.number()));
    }

    @Test
    void signaturesOfCommonCalls() {
        SyscallSignature write = SyscallCatalog.byNumber(1);
        assertThat(write.args()).containsExactly(
                SyscallArg.of(ArgKind.FD), new SyscallArg(ArgKind.BUF_IN, 2), SyscallArg.of(ArgKind.ULONG));
        assertThat(write.returns()).isEqualTo(ReturnKind.ERRNO_INT);
        assertThat(SyscallCatalog.byNumber(9).returns()).isEqualTo(ReturnKind.HEX_ADDR);
        assertThat(SyscallCatalog.byNumber(12).returns()).isEqualTo(ReturnKind.HEX_ADDR);
        assertThat(SyscallCatalog.byNumber(60).returns()).isEqualTo(ReturnKind.NONE);
        assertThat(SyscallCatalog.byNumber(231).returns()).isEqualTo(ReturnKind.NONE);
        assertThat(SyscallCatalog.byNumber(39).args()).isEmpty();
        assertThat(SyscallCatalog.byNumber(257).kind(0)).isEqualTo(ArgKind.DIRFD);
    }

    @Test
    void parsesTableLines() {
        SyscallSignature sig = SyscallCatalog.parseLine("12 brk(PTR) HEX_ADDR");
        assertThat(sig).isEqualTo(new SyscallSignature(12, "brk", List.of(SyscallArg.of(ArgKind.PTR)), ReturnKind.HEX_ADDR));
        assertThat(SyscallCatalog.parseLine("24 sched_yield()").args()).isEmpty();
    }

    @Test
    void rejectsBadTableLines() {
        assertThatThrownBy(() -> SyscallCatalog.parseLine("1 write(FD, BUF_IN, ULONG)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BUF_IN");
        assertThatThrownBy(() -> SyscallCatalog.parseLine("1 write(FD, BUF_IN:7, ULONG)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refers to argument 7");
        assertThatThrownBy(() -> SyscallCatalog.parseLine("1 write(FD, INT:0)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyscallCatalog.parseLine("1 write(NOPE)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyscallCatalog.parseLine("write(FD)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyscallCatalog.parseLine("1 f(INT, INT, INT, INT, INT, INT, INT)"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesTheHostKernelHeaders() throws IOException {
        assumeTrue(Files.isReadable(UNISTD_64), "no " + UNISTD_64);
        Pattern define = Pattern.compile("#define __NR_(\\w+)\\s+(\\d+)");
        Map<String, Integer> host = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNISTD_64)) {
            Matcher m = define.matcher(line);
            if (m.matches()) {
                host.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        assertThat(host).isNotEmpty();
        host.forEach((name, nr) -> {
            assertThat(SyscallCatalog.numberOf(name)).as(name).hasValue(nr);
            assertThat(SyscallCatalog.byNumber(nr).name()).as("number %d", nr).isEqualTo(name);
        });
    }
}
