package dev.jkraft.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds the file {@code jkraft run PROGRAM} runs, the way a shell finds a command: a name with a
 * '/' is a path (relative to the current directory); a name without one is looked up in the
 * directories of PATH, where an empty entry means the current directory. Failures are reported
 * with a shell's words and status: 127 for "not found", 126 for "found but cannot be run".
 */
final class ProgramLookup {
    /** What execvp(3) searches when PATH is unset. */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ProgramLookup() {}

    /**
     * The absolute host path of {@code typed}.
     *
     * @param searchPath the PATH value to search, or null for {@link #DEFAULT_PATH}
     * @throws ExitException with status 127 or 126
     */
    static Path resolve(String typed, String searchPath) {
        if (typed.contains("/")) {
            return checkRunnable(typed, toPath(typed));
        }
        if (typed.isEmpty()) {
            throw new ExitException(ExitException.NOT_FOUND, "'': command not found");
        }
        Path notExecutable = null;
        for (String dir : (searchPath == null ? DEFAULT_PATH : searchPath).split(":", -1)) {
            Path candidate = toPath(dir.isEmpty() ? "." : dir).resolve(typed);
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return checkRunnable(typed, candidate);
                }
                if (notExecutable == null) {
                    notExecutable = candidate;
                }
            }
        }
        if (notExecutable != null) {
            // bash, too, reports a non-executable match only when nothing better was found.
            throw new ExitException(ExitException.NOT_RUNNABLE, typed + ": Permission denied");
        }
        throw new ExitException(ExitException.NOT_FOUND, typed + ": command not found");
    }

    private static Path checkRunnable(String typed, Path path) {
        if (!Files.exists(path)) {
            throw new ExitException(ExitException.NOT_FOUND, typed + ": No such file or directory");
        }
        if (Files.isDirectory(path)) {
            throw new ExitException(ExitException.NOT_RUNNABLE, typed + ": Is a directory");
        }
        // jkraft reads the ELF file itself rather than exec'ing it, so reading is what it needs.
        // execve(2) wants read and execute permission; root passes with any one execute bit.
        if (!Files.isReadable(path) || !Files.isExecutable(path)) {
            throw new ExitException(ExitException.NOT_RUNNABLE, typed + ": Permission denied");
        }
        return path.toAbsolutePath();
    }

    private static Path toPath(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ExitException(ExitException.NOT_FOUND, text + ": No such file or directory");
        }
    }
}
