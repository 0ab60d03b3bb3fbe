package dev.jkraft.image;

/**
 * An image, archive, layer or closure that cannot be used, with a message that names what and
 * why ("layer sha256:1f2e... is corrupted: its digest does not match").
 */
public final class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
