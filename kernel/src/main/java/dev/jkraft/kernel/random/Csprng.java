package dev.jkraft.kernel.random;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** A ChaCha20-based cryptographically secure generator; thread-safe. */
public final class Csprng {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;

    private byte[] key = new byte[KEY_BYTES];
    private long counter;

    public Csprng() {
        new SecureRandom().nextBytes(key);
    }

    /** Fills {@code out} with random bytes. */
    public synchronized void nextBytes(byte[] out) {
        // One keystream of KEY_BYTES + out.length bytes: the first part becomes the next key, so a
        // later compromise of the state reveals nothing about bytes already handed out.
        byte[] stream = keystream(KEY_BYTES + out.length);
        System.arraycopy(stream, KEY_BYTES, out, 0, out.length);
        key = java.util.Arrays.copyOf(stream, KEY_BYTES);
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

    private byte[] keystream(int length) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            long c = counter++;
            for (int i = 0; i < 8; i++) {
                nonce[i] = (byte) (c >>> (8 * i));
            }
            Cipher cipher = Cipher.getInstance("ChaCha20");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(nonce, 0));
            return cipher.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks ChaCha20", e);
        }
    }
}
