package dev.jkraft.image;

/**
 * Progress of a long step (copying a closure into a layer, unpacking layers), in bytes or items.
 * {@link #NONE} ignores it all; the command line draws a bar on a terminal.
 */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void start(String step, long total) {}

        @Override
        public void advance(long amount) {}

        @Override
        public void done() {}
    };

    /** A step begins; {@code total} is what {@link #advance} will add up to, or -1 if unknown. */
    void start(String step, long total);

    void advance(long amount);

    void done();
}
