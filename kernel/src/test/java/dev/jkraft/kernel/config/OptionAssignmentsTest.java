package dev.jkraft.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.config.OptionAssignments.Assignment;
import dev.jkraft.kernel.lib.InitStage;
import dev.jkraft.kernel.lib.Library;
import dev.jkraft.kernel.lib.LibraryRegistry;
import dev.jkraft.kernel.lib.Option;
import dev.jkraft.kernel.lib.OptionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionAssignmentsTest {
    private final Option<Boolean> aslr = Option.ofBool("vmem.aslr", true, "randomize the address space layout");
    private final Option<Long> stack = Option.ofSize("vmem.stack_size", 8 << 20, 16 << 10, 1L << 30, "stack");
    private final Option<Integer> mmapMin = Option.ofInt("vmem.mmap_min", 16, "lowest mmap page");
    private final Option<String> hostname = Option.ofString("vfs.hostname", "jkraft", "node name");
    private final Option<Integer> backlog = Option.ofInt("socket.unix.backlog", 128, 1, 4096, "listen backlog");
    private final LibraryRegistry registry = new LibraryRegistry();

    OptionAssignmentsTest() {
        registry.register(Library.builder("vmem", InitStage.MEMORY, "d").options(aslr, stack, mmapMin).build());
        registry.register(Library.builder("vfs", InitStage.ROOTFS, "d").option(hostname).build());
        registry.register(Library.builder("socket.unix", InitStage.LIB, "d").option(backlog).build());
    }

    private static OptionAssignments sets(String... texts) {
        return OptionAssignments.parse(List.of(texts));
    }

    @Test
    void splitsAtTheFirstEquals() {
        assertThat(Assignment.parse("vmem.aslr=false")).isEqualTo(new Assignment("vmem.aslr", "false"));
        assertThat(Assignment.parse("vfs.hostname=a=b")).isEqualTo(new Assignment("vfs.hostname", "a=b"));
        assertThat(Assignment.parse("vfs.hostname=")).isEqualTo(new Assignment("vfs.hostname", ""));
        assertThat(Assignment.parse("vfs.hostname=x")).hasToString("vfs.hostname=x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmemaslr", "", "=false", " =x"})
    void rejectsAnAssignmentWithoutName(String text) {
        assertThatThrownBy(() -> Assignment.parse(text))
                .isInstanceOf(OptionException.class)
                .hasMessage("malformed option assignment '" + text + "': use name=value, e.g. vmem.aslr=false");
    }

    @Test
    void appliesValuesOfEveryKind() {
        sets("vmem.aslr=off", "vmem.stack_size=64K", "vfs.hostname=box", "socket.unix.backlog=0x100").applyTo(registry);
        assertThat(aslr.get()).isFalse();
        assertThat(stack.get()).isEqualTo(65536L);
        assertThat(hostname.get()).isEqualTo("box");
        assertThat(backlog.get()).isEqualTo(256);
    }

    @Test
    void theLaterOfTwoAssignmentsWins() {
        sets("vmem.stack_size=64K", "vmem.stack_size=1M").applyTo(registry);
        assertThat(stack.get()).isEqualTo(1L << 20);
    }

    @Test
    void appliesAMapInItsOrder() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("vmem.aslr", "false");
        map.put("vfs.hostname", "h");
        OptionAssignments a = OptionAssignments.of(map);
        assertThat(a.assignments()).containsExactly(
                new Assignment("vmem.aslr", "false"), new Assignment("vfs.hostname", "h"));
        a.applyTo(registry);
        assertThat(aslr.get()).isFalse();
    }

    @Test
    void suggestsTheCloseNameOfAMistypedOption() {
        assertThatThrownBy(() -> sets("vmem.asrl=false").applyTo(registry))
                .isInstanceOf(OptionException.class)
                .hasMessage("unknown option 'vmem.asrl'; did you mean vmem.aslr?");
    }

    @Test
    void saysSoWhenNothingIsSimilar() {
        assertThatThrownBy(() -> sets("zzz.qqq=1").applyTo(registry))
                .hasMessage("unknown option 'zzz.qqq'; no option has a similar name");
    }

    @Test
    void appliesNothingIfAnythingIsWrongAndReportsEveryProblem() {
        assertThatThrownBy(() -> sets("vmem.aslr=false", "vmem.stack_size=12Q", "vfs.hostnam=x",
                "socket.unix.backlog=5000").applyTo(registry))
                .isInstanceOf(OptionException.class)
                .hasMessage("""
                        vmem.stack_size: '12Q' is not a size; use a number with an optional K, M, G or T suffix
                        unknown option 'vfs.hostnam'; did you mean vfs.hostname?
                        socket.unix.backlog: 5000 is out of range; use a value from 1 to 4096""");
        assertThat(aslr.get()).as("not applied").isTrue();
    }

    @Nested
    class SimilarNamesTest {
        private final List<String> known = List.of("vmem.aslr", "vmem.stack_size", "vmem.mmap_min",
                "vfs.hostname", "socket.unix.backlog", "vmem.asan");

        @ParameterizedTest
        @CsvSource({
            "'', '', 0",
            "abc, '', 3",
            "'', abc, 3",
            "aslr, aslr, 0",
            "aslr, asrl, 1",
            "aslr, aslx, 1",
            "aslr, asl, 1",
            "kitten, sitting, 3",
            "ca, abc, 2",
            "ab, ba, 1",
            "abcdef, badcfe, 3",
        })
        void measuresDamerauLevenshteinDistance(String a, String b, int expected) {
            assertThat(SimilarNames.distance(a, b)).isEqualTo(expected);
            assertThat(SimilarNames.distance(b, a)).isEqualTo(expected);
        }

        @Test
        void prefersTheClosestNames() {
            assertThat(SimilarNames.closest("vmem.asrl", known, 3)).containsExactly("vmem.aslr", "vmem.asan");
        }

        @Test
        void findsANameWhoseLibraryWasLeftOut() {
            assertThat(SimilarNames.closest("aslr", known, 3)).containsExactly("vmem.aslr", "vmem.asan");
            assertThat(SimilarNames.closest("backlg", known, 3)).containsExactly("socket.unix.backlog");
        }

        @Test
        void findsNamesThatStartWithWhatWasTyped() {
            assertThat(SimilarNames.closest("socket.u", known, 3)).containsExactly("socket.unix.backlog");
        }

        @Test
        void fallsBackToTheOptionsOfTheSameLibraryAndListsAtMostTheLimit() {
            assertThat(SimilarNames.closest("vmem.randomize", known, 3))
                    .containsExactly("vmem.asan", "vmem.aslr", "vmem.mmap_min");
        }

        @Test
        void suggestsNothingForAnUnrelatedName() {
            assertThat(SimilarNames.closest("zzz.qqq", known, 3)).isEmpty();
        }

        @Test
        void listsSeveralSuggestionsInTheMessage() {
            assertThatThrownBy(() -> sets("vmem.random=1").applyTo(registry))
                    .hasMessage("unknown option 'vmem.random'; did you mean vmem.aslr, vmem.mmap_min or vmem.stack_size?");
        }
    }
}
