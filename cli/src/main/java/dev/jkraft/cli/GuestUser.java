package dev.jkraft.cli;

/**
 * One {@code --user UID[:GID]}: the ids the guest starts with, numeric as docker run takes them
 * without a passwd file (GID 0 when left out). Ids are unsigned 32-bit values up to 4294967294;
 * 4294967295 is (uid_t) -1, which no process can have.
 */
record GuestUser(int uid, int gid) {
    private static final long MAX_ID = 0xFFFF_FFFEL;

    /** Parses and checks a --user argument; ExitException (status 125) with a clear message when it is wrong. */
    static GuestUser parse(String spec) {
        String[] f = spec.split(":", -1);
        if (f.length > 2) {
            throw bad(spec);
        }
        return new GuestUser(id(spec, f[0]), f.length == 2 ? id(spec, f[1]) : 0);
    }

    private static int id(String spec, String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(spec);
        }
        long v = Long.parseLong(s);
        if (v > MAX_ID) {
            throw bad(spec);
        }
        return (int) v;
    }

    private static ExitException bad(String spec) {
        return new ExitException(ExitException.JKRAFT_FAILED,
                "--user " + spec + ": expected UID[:GID], numbers from 0 to " + MAX_ID);
    }

    @Override
    public String toString() {
        return Integer.toUnsignedString(uid) + ":" + Integer.toUnsignedString(gid);
    }
}
