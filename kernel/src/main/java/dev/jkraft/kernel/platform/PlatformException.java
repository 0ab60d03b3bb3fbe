package dev.jkraft.kernel.platform;

/** A platform could not start or run; the message says what the user can do. */
public class PlatformException extends RuntimeException {
    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
