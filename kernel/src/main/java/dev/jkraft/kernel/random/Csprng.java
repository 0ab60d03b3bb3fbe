package dev.jkraft.kernel.random;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A cryptographically secure generator: the ChaCha20 block function (RFC 8439) in counter mode,
 * keyed from the host's /dev/urandom and re-keyed from its own output after every request (fast
 * key erasure), as Linux's CRNG does. Written out here rather than taken from the JDK's cipher
 * because the JCE provider costs ~25 ms to load, a sixth of jkraft's start-up budget. Thread-safe.
 */
public final class Csprng {
    private static final int KEY_WORDS = 8;
    private static final int BLOCK_BYTES = 64;

    private final int[] key = new int[KEY_WORDS];
    private long counter;

    public Csprng() {
        byte[] seed = new byte[KEY_WORDS * 4];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(seed, 0, seed.length) != seed.length) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            new SecureRandom().nextBytes(seed);
        }
        setKey(seed, 0);
    }

    /** Fills {@code out} with random bytes. */
    public synchronized void nextBytes(byte[] out) {
        byte[] block = new byte[BLOCK_BYTES];
        int done = 0;
        while (done < out.length) {
            block(block);
            int n = Math.min(BLOCK_BYTES, out.length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        // Fast key erasure: the next key comes from a block never handed out.
        block(block);
        setKey(block, 0);
        Arrays.fill(block, (byte) 0);
    }

    public long nextLong() {
        byte[] b = new byte[8];
        nextBytes(b);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    private void setKey(byte[] b, int off) {
        for (int i = 0; i < KEY_WORDS; i++) {
            key[i] = (b[off + 4 * i] & 0xFF) | (b[off + 4 * i + 1] & 0xFF) << 8 | (b[off + 4 * i + 2] & 0xFF) << 16
                    | (b[off + 4 * i + 3] & 0xFF) << 24;
        }
        counter = 0;
    }

    /** One 64-byte ChaCha20 block for the current key, the running counter and a zero nonce. */
    private void block(byte[] out) {
        int[] s = new int[16];
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        System.arraycopy(key, 0, s, 4, KEY_WORDS);
        s[12] = (int) counter;
        s[13] = (int) (counter >>> 32);
        counter++;
        int[] x = s.clone();
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) {
            int v = x[i] + s[i];
            out[4 * i] = (byte) v;
            out[4 * i + 1] = (byte) (v >>> 8);
            out[4 * i + 2] = (byte) (v >>> 16);
            out[4 * i + 3] = (byte) (v >>> 24);
        }
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    /** The block function alone, for checking against RFC 8439's test vector. */
    static byte[] blockFor(int[] key, long counterAndNonce0, int nonce1, int nonce2) {
        Csprng c = new Csprng();
        System.arraycopy(key, 0, c.key, 0, KEY_WORDS);
        c.counter = counterAndNonce0;
        byte[] out = new byte[BLOCK_BYTES];
        c.block(out);
        return out;
    }
}
