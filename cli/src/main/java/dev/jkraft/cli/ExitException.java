package dev.jkraft.cli;

/**
 * Ends a command with an exit status and a one-line message for the user, printed as
 * {@code jkraft: <message>}: 125 when jkraft cannot do what was asked, 126 and 127 when the
 * program cannot be run or found, as a shell would report them.
 */
final class ExitException extends RuntimeException {
    static final int JKRAFT_FAILED = 125;
    static final int NOT_RUNNABLE = 126;
    static final int NOT_FOUND = 127;

    private final int status;

    ExitException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
