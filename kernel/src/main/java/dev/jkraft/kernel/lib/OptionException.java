package dev.jkraft.kernel.lib;

/**
 * A bad option name or value. The message is meant for the user as it stands: it names the
 * option, quotes what was given and says what would be accepted, for example
 * {@code vmem.stack_size: '12Q' is not a size; use a number with an optional K, M, G or T suffix}.
 */
public final class OptionException extends IllegalArgumentException {
    public OptionException(String message) {
        super(message);
    }
}
