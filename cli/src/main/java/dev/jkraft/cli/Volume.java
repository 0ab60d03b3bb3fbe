package dev.jkraft.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** One {@code -v HOST:GUEST[:ro|:rw]}: a host directory mounted at a guest path. */
record Volume(Path host, String guest, boolean readOnly) {

    /** Parses and checks a -v argument; ExitException (status 125) with a clear message when it is wrong. */
    static Volume parse(String spec) {
        String[] f = spec.split(":", -1);
        if (f.length < 2 || f.length > 3 || f[0].isEmpty() || f[1].isEmpty()) {
            throw bad(spec, "expected HOST:GUEST or HOST:GUEST:ro");
        }
        boolean ro = false;
        if (f.length == 3) {
            if (!f[2].equals("ro") && !f[2].equals("rw")) {
                throw bad(spec, "the mode must be ro or rw, not '" + f[2] + "'");
            }
            ro = f[2].equals("ro");
        }
        if (!f[1].startsWith("/")) {
            throw bad(spec, "the guest path must be absolute");
        }
        Path host = Path.of(f[0]).toAbsolutePath().normalize();
        if (!Files.isDirectory(host)) {
            throw bad(spec, host + " is not a directory");
        }
        return new Volume(host, f[1], ro);
    }

    private static ExitException bad(String spec, String why) {
        return new ExitException(ExitException.JKRAFT_FAILED, "-v " + spec + ": " + why);
    }
}
