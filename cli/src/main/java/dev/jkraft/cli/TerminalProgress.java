package dev.jkraft.cli;

import dev.jkraft.image.Progress;
import java.io.PrintWriter;

/**
 * A one-line progress bar on standard error, redrawn in place at most ten times a second:
 * {@code unpacking redis:latest [=========>          ] 47%  5.1/10.9 MB}. Only on a terminal;
 * elsewhere (pipes, CI logs) nothing is drawn, so output stays clean. Written here rather than
 * taken from a library: the bar is forty lines, and a terminal library would load for every
 * {@code jkraft run} of an image.
 */
final class TerminalProgress implements Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private String step;
    private long total;
    private long done;
    private long lastDraw;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    /** A bar on {@code err} when this process's standard error is a terminal; else {@link Progress#NONE}. */
    static Progress on(PrintWriter err) {
        var console = System.console();
        return console != null && console.isTerminal() ? new TerminalProgress(err) : Progress.NONE;
    }

    @Override
    public synchronized void start(String name, long expected) {
        step = name;
        total = expected;
        done = 0;
        lastDraw = 0;
        draw();
    }

    @Override
    public synchronized void advance(long amount) {
        done += amount;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw();
        }
    }

    @Override
    public synchronized void done() {
        if (total > 0) {
            done = total;
        }
        draw();
        err.print('\n');
        err.flush();
    }

    private void draw() {
        StringBuilder sb = new StringBuilder("\r").append(step).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            sb.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ")
                    .append(Math.min(100, done * 100 / total)).append("%  ")
                    .append(megabytes(done)).append('/').append(megabytes(total)).append(" MB");
        } else {
            sb.append(megabytes(done)).append(" MB");
        }
        err.print(sb.append("\u001b[K"));
        err.flush();
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
