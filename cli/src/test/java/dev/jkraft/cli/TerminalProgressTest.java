package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.image.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    @Test
    void drawsOneLineInPlaceAndEndsIt() {
        var text = new StringWriter();
        Progress bar = new TerminalProgress(new PrintWriter(text));
        bar.start("unpacking redis:latest", 10_000_000);
        bar.advance(5_000_000);
        bar.done();
        String[] frames = text.toString().split("\r");
        assertThat(frames[1]).startsWith("unpacking redis:latest [>").contains("] 0%  0.0/10.0 MB");
        assertThat(frames[frames.length - 1]).startsWith("unpacking redis:latest [" + "=".repeat(30) + "] 100%  10.0/10.0 MB")
                .endsWith("\u001b[K\n");
    }

    @Test
    void anUnknownTotalShowsBytesOnly() {
        var text = new StringWriter();
        Progress bar = new TerminalProgress(new PrintWriter(text));
        bar.start("reading archive", -1);
        bar.advance(2_500_000);
        bar.done();
        assertThat(text.toString()).endsWith("\rreading archive 2.5 MB\u001b[K\n");
    }

    @Test
    void offATerminalThereIsNoBar() {
        // The tests' standard error is a pipe or a file, never a terminal.
        assertThat(TerminalProgress.on(new PrintWriter(new StringWriter()))).isSameAs(Progress.NONE);
    }
}
