package dev.jkraft.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Counts and sha256-hashes the bytes read through it (skipped bytes are read, so hashed too). */
final class HashingInputStream extends FilterInputStream {
    final MessageDigest md = Digest.sha256();
    private final long limit;
    long count;

    HashingInputStream(InputStream in) {
        this(in, Long.MAX_VALUE);
    }

    /** Ends after {@code limit} bytes: a blob is read no further than one byte past its size. */
    HashingInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        if (count >= limit) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            md.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (count >= limit) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, limit - count));
        if (n > 0) {
            md.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        int len = (int) Math.max(0, Math.min(n, 8192));
        return Math.max(0, read(new byte[len], 0, len));
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
