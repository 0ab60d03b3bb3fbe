package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionTest {
    enum Paging { FOUR_LEVEL, FIVE_LEVEL }

    @Test
    void startsAtItsDefaultAndCanBeResetToIt() {
        Option<Boolean> aslr = Option.ofBool("vmem.aslr", true, "randomize the address space layout");
        assertThat(aslr.get()).isTrue();
        assertThat(aslr.isDefault()).isTrue();
        aslr.setFromString("false");
        assertThat(aslr.get()).isFalse();
        assertThat(aslr.isDefault()).isFalse();
        aslr.reset();
        assertThat(aslr.get()).isTrue();
    }

    @Test
    void knowsItsNamesKindAndHelp() {
        Option<Long> o = Option.ofSize("socket.unix.buffer", 64 << 10, "per-socket buffer");
        assertThat(o.name()).isEqualTo("socket.unix.buffer");
        assertThat(o.library()).isEqualTo("socket.unix");
        assertThat(o.kind()).isEqualTo(Option.Kind.SIZE);
        assertThat(o.kind().typeName()).isEqualTo("size");
        assertThat(o.help()).isEqualTo("per-socket buffer");
        assertThat(o.defaultValue()).isEqualTo(65536L);
        assertThat(o).hasToString("socket.unix.buffer=64K");
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "yes, true", "on, true", "y, true", "1, true",
        "false, false", "False, false", "no, false", "OFF, false", "n, false", "0, false"})
    void parsesBooleans(String text, boolean expected) {
        assertThat(Option.ofBool("a.b", !expected, "h").parse(text)).isEqualTo(expected);
    }

    @Test
    void rejectsANonBoolean() {
        assertThatThrownBy(() -> Option.ofBool("vmem.aslr", true, "h").parse("maybe"))
                .isInstanceOf(OptionException.class)
                .hasMessage("vmem.aslr: 'maybe' is not a boolean; use true or false");
    }

    @ParameterizedTest
    @CsvSource({"42, 42", "-7, -7", "+7, 7", "0x1f, 31", "0X1F, 31", "-0x10, -16", "' 5 ', 5"})
    void parsesIntegers(String text, int expected) {
        assertThat(Option.ofInt("a.b", 0, "h").parse(text)).isEqualTo(expected);
        assertThat(Option.ofLong("a.b", 0, "h").parse(text)).isEqualTo((long) expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "12abc", "1.5", "0x", "0xg", "--1", "+-1", "1e3"})
    void rejectsWhatIsNotAWholeNumber(String text) {
        assertThatThrownBy(() -> Option.ofInt("sched.cpus", 1, "h").parse(text))
                .isInstanceOf(OptionException.class)
                .hasMessage("sched.cpus: '" + text
                        + "' is not a whole number; use decimal digits or 0x and hex digits");
    }

    @Test
    void rejectsNumbersTooLargeForTheirType() {
        assertThatThrownBy(() -> Option.ofInt("a.b", 0, "h").parse("3000000000"))
                .hasMessage("a.b: '3000000000' is out of range for an int");
        assertThatThrownBy(() -> Option.ofLong("a.b", 0, "h").parse("99999999999999999999"))
                .hasMessage("a.b: '99999999999999999999' is out of range for a long");
        assertThat(Option.ofLong("a.b", 0, "h").parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void checksTheRangeOfIntegers() {
        Option<Integer> cpus = Option.ofInt("sched.cpus", 1, 1, 64, "h");
        assertThat(cpus.parse("64")).isEqualTo(64);
        assertThatThrownBy(() -> cpus.parse("65"))
                .isInstanceOf(OptionException.class)
                .hasMessage("sched.cpus: 65 is out of range; use a value from 1 to 64");
        assertThatThrownBy(() -> cpus.set(0))
                .hasMessage("sched.cpus: 0 is out of range; use a value from 1 to 64");
        assertThat(cpus.get()).isEqualTo(1);
    }

    @Test
    void checksTheRangeOfLongsWithOnlyAMinimum() {
        Option<Long> o = Option.ofLong("time.tick_ns", 1_000_000, 1000, Long.MAX_VALUE, "h");
        assertThatThrownBy(() -> o.parse("999"))
                .hasMessage("time.tick_ns: 999 is out of range; use a value of at least 1000");
    }

    @Test
    void parsesSizesAndReportsBadOnesActionably() {
        Option<Long> stack = Option.ofSize("vmem.stack_size", 8 << 20, 16 << 10, 1L << 30, "main stack");
        assertThat(stack.parse("64k")).isEqualTo(65536L);
        assertThat(stack.parse("1GiB")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> stack.parse("12Q"))
                .isInstanceOf(OptionException.class)
                .hasMessage("vmem.stack_size: '12Q' is not a size; use a number with an optional K, M, G or T suffix");
        assertThatThrownBy(() -> stack.parse("2G"))
                .hasMessage("vmem.stack_size: 2G is out of range; use a size from 16K to 1G");
        assertThatThrownBy(() -> stack.parse("4096"))
                .hasMessage("vmem.stack_size: 4K is out of range; use a size from 16K to 1G");
    }

    @Test
    void stringsTakeAnything() {
        Option<String> o = Option.ofString("vfs.hostname", "jkraft", "the UTS node name");
        assertThat(o.parse("")).isEmpty();
        assertThat(o.parse("a = b")).isEqualTo("a = b");
        o.setFromString("box");
        assertThat(o.get()).isEqualTo("box");
    }

    @Test
    void enumsAreLowerCaseNamesParsedCaseInsensitively() {
        Option<Paging> o = Option.ofEnum("mem.paging", Paging.FOUR_LEVEL, "page-table depth");
        assertThat(o.kind()).isEqualTo(Option.Kind.ENUM);
        assertThat(o.allowedValues()).containsExactly("four_level", "five_level");
        assertThat(o.parse("FIVE_level")).isEqualTo(Paging.FIVE_LEVEL);
        assertThat(o.format(Paging.FIVE_LEVEL)).isEqualTo("five_level");
        assertThat(o.typeDescription()).isEqualTo("enum four_level|five_level");
        assertThatThrownBy(() -> o.parse("six"))
                .isInstanceOf(OptionException.class)
                .hasMessage("mem.paging: 'six' is not allowed; use one of four_level, five_level");
    }

    @Test
    void describesItsTypeWithItsRange() {
        assertThat(Option.ofBool("a.b", true, "h").typeDescription()).isEqualTo("bool");
        assertThat(Option.ofInt("a.b", 1, "h").typeDescription()).isEqualTo("int");
        assertThat(Option.ofInt("a.b", 1, 1, 64, "h").typeDescription()).isEqualTo("int 1..64");
        assertThat(Option.ofLong("a.b", 1, 0, Long.MAX_VALUE, "h").typeDescription()).isEqualTo("long 0..");
        assertThat(Option.ofSize("a.b", 4096, "h").typeDescription()).isEqualTo("size");
        assertThat(Option.ofSize("a.b", 1 << 20, 4096, 1L << 30, "h").typeDescription())
                .isEqualTo("size 4K..1G");
        assertThat(Option.ofString("a.b", "", "h").typeDescription()).isEqualTo("string");
    }

    @Test
    void rejectsBadDeclarations() {
        for (String bad : List.of("aslr", "Vmem.aslr", "vmem.", ".aslr", "vmem..aslr", "vmem.as-lr", "vmem.1x")) {
            assertThatThrownBy(() -> Option.ofBool(bad, true, "h"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad option name '" + bad + "'");
        }
        assertThatThrownBy(() -> Option.ofBool("a.b", true, ""))
                .hasMessage("a.b: help must be one non-empty line");
        assertThatThrownBy(() -> Option.ofInt("a.b", 0, 1, 10, "h"))
                .hasMessage("a.b: 0 is out of range; use a value from 1 to 10");
        assertThatThrownBy(() -> Option.ofInt("a.b", 5, 10, 1, "h"))
                .hasMessage("a.b: min 10 > max 1");
    }
}
