package dev.jkraft.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/compatibility.md must list exactly the system calls SyscallTable implements. */
class CompatibilityDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| `([a-z0-9_]+)` \\|", Pattern.MULTILINE);

    @Test
    void implementedTableMatchesTheSyscallTable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "compatibility.md"));
        String section = doc.substring(doc.indexOf("## Implemented system calls"), doc.indexOf("## Everything else"));
        Map<Integer, String> documented = new TreeMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            documented.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        assertThat(documented).isEqualTo(SyscallTable.implemented());
    }
}
