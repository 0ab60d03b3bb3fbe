package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizeTest {
    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "0, 0",
        "64K, 65536",
        "64k, 65536",
        "64KB, 65536",
        "64kb, 65536",
        "64KiB, 65536",
        "64kib, 65536",
        "512M, 536870912",
        "512MiB, 536870912",
        "2G, 2147483648",
        "2g, 2147483648",
        "1T, 1099511627776",
        "4096B, 4096",
        "' 8M ', 8388608",
    })
    void parsesSizes(String text, long bytes) {
        assertThat(Size.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "12Q", "-1", "1.5G", "0x10", "4iB", "iB", "B", "1 G", "G1", "1KK", "1KBB"})
    void rejectsWhatIsNotASize(String text) {
        assertThatThrownBy(() -> Size.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a size; use a number with an optional K, M, G or T suffix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8388608T", "99999999999999999999", "9223372036854775807K"})
    void rejectsSizesThatOverflow(String text) {
        assertThatThrownBy(() -> Size.parse(text)).hasMessage("'" + text + "' is too large for a size");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "4096, 4K",
        "4097, 4097",
        "536870912, 512M",
        "1610612736, 1536M",
        "2147483648, 2G",
        "1099511627776, 1T",
        "2251799813685248, 2048T",
    })
    void formatsWithTheLargestExactSuffix(long bytes, String text) {
        assertThat(Size.format(bytes)).isEqualTo(text);
        assertThat(Size.parse(text)).isEqualTo(bytes);
    }

    @org.junit.jupiter.api.Test
    void largestSizeRoundTrips() {
        assertThat(Size.parse("8388607T")).isEqualTo(8388607L << 40);
        assertThat(Size.parse(Size.format(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }
}
