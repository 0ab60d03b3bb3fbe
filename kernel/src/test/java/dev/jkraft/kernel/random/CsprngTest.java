package dev.jkraft.kernel.random;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CsprngTest {
    @Test
    void blockFunctionMatchesTheJdksChaCha20() throws Exception {
        byte[] keyBytes = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        int[] key = new int[8];
        for (int i = 0; i < 8; i++) {
            key[i] = (keyBytes[4 * i] & 0xFF) | (keyBytes[4 * i + 1] & 0xFF) << 8 | (keyBytes[4 * i + 2] & 0xFF) << 16
                    | (keyBytes[4 * i + 3] & 0xFF) << 24;
        }
        Cipher jdk = Cipher.getInstance("ChaCha20");
        // Counter 1 with a zero nonce: our block uses words 12-13 as a 64-bit counter, 14-15 zero.
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "ChaCha20"), new ChaCha20ParameterSpec(new byte[12], 1));
        byte[] expected = jdk.doFinal(new byte[64]);
        assertThat(Csprng.blockFor(key, 1, 0, 0)).isEqualTo(expected);
    }

    @Test
    void outputsDifferAndCoverAllByteValues() {
        Csprng c = new Csprng();
        byte[] a = new byte[4096];
        byte[] b = new byte[4096];
        c.nextBytes(a);
        c.nextBytes(b);
        assertThat(a).isNotEqualTo(b);
        boolean[] seen = new boolean[256];
        for (byte x : a) {
            seen[x & 0xFF] = true;
        }
        int count = 0;
        for (boolean s : seen) {
            count += s ? 1 : 0;
        }
        assertThat(count).isGreaterThan(240);
    }
}
