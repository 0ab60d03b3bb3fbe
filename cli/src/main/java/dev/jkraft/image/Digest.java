package dev.jkraft.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 hex digits>}: the name of every blob, layer and config in
 * an OCI image. Only sha256 is accepted; the hex part is checked so that a digest read from an
 * untrusted {@code index.json} can never become a path outside {@code blobs/sha256}.
 *
 * @param hex the 64 lowercase hex digits
 */
public record Digest(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (!HEX.matcher(hex).matches()) {
            throw new ImageException("not a sha256 digest: \"" + hex + "\"");
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is an {@link ImageException}. */
    public static Digest parse(String text) {
        if (text == null || !text.startsWith("sha256:")) {
            throw new ImageException("not a sha256 digest: \"" + text + "\" (jkraft reads sha256 only)");
        }
        return new Digest(text.substring("sha256:".length()));
    }

    /** The sha256 of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        return fromRaw(sha256().digest(bytes));
    }

    /** The sha256 of a file's content, read as a stream. */
    public static Digest ofFile(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return fromRaw(md.digest());
    }

    static Digest of(MessageDigest finished) {
        return fromRaw(finished.digest());
    }

    private static Digest fromRaw(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A 12-digit prefix for messages, as docker prints image ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
