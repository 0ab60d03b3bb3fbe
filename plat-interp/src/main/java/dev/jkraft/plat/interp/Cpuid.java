package dev.jkraft.plat.interp;

/**
 * What CPUID says on the interpreter: exactly the features it implements, so that glibc's and
 * musl's ifuncs, Go's and CPython's feature checks never choose an instruction it lacks. The
 * baseline x86-64 (x87, CMOV, CX8, FXSR, MMX, SSE, SSE2) plus SSE3, SSSE3, SSE4.1, SSE4.2, CX16,
 * POPCNT, MOVBE, PCLMULQDQ, LAHF/SAHF and LZCNT; no XSAVE (so no AVX), no TSX, no RDRAND, and no
 * MONITOR/MWAIT (SSE3's bit 0 does not imply them: they have their own bit 3, clear, and stay
 * #UD in user mode). Vendor GenuineIntel so that programs take their common paths; the brand
 * string says what it is.
 */
final class Cpuid {
    private static final String BRAND = "jkraft interp x86-64 (pure Java)";

    private Cpuid() {}

    static int[] query(int leaf, int subleaf) {
        return switch (leaf) {
            case 0 -> new int[] {0xD, ascii("Genu"), ascii("ntel"), ascii("ineI")};
            case 1 -> new int[] {
                // family 6, model 0x55-like but stepping 0: a plain, modern-looking Intel CPU
                0x000506E0,
                0x00000800, // CLFLUSH line size 8 (64 bytes), one logical processor id
                (1 << 0) | (1 << 1) | (1 << 9) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 22)
                        | (1 << 23), // SSE3 PCLMULQDQ SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT
                (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25)
                        | (1 << 26) // FPU TSC MSR CX8 CMOV CLFSH MMX FXSR SSE SSE2
            };
            case 4 -> cacheLeaf(subleaf);
            // FDP_EXCPTN_ONLY and deprecated FCS/FDS: what the x87 does (as this host's CPU)
            case 7 -> subleaf == 0 ? new int[] {0, (1 << 6) | (1 << 13), 0, 0} : new int[4];
            case 0x80000000 -> new int[] {0x80000008, 0, 0, 0};
            case 0x80000001 -> new int[] {0, 0, (1 << 0) | (1 << 5), (1 << 11) | (1 << 20) | (1 << 29)};
            case 0x80000002, 0x80000003, 0x80000004 -> brand(leaf - 0x80000002);
            case 0x80000006 -> new int[] {0, 0, (1024 << 16) | (8 << 12) | 64, 0};
            case 0x80000007 -> new int[] {0, 0, 0, 1 << 8}; // invariant TSC
            case 0x80000008 -> new int[] {0x3027, 0, 0, 0}; // 39 physical, 48 virtual address bits
            default -> new int[4];
        };
    }

    /** Deterministic cache parameters (leaf 4): 32 KiB L1d and L1i, 1 MiB L2, 8 MiB L3, 64-byte lines. */
    private static int[] cacheLeaf(int sub) {
        return switch (sub) {
            case 0 -> cache(1, 1, 8, 64, 64);
            case 1 -> cache(2, 1, 8, 64, 64);
            case 2 -> cache(3, 2, 16, 64, 1024);
            case 3 -> cache(3, 3, 16, 64, 8192);
            default -> new int[4];
        };
    }

    private static int[] cache(int type, int level, int ways, int line, int kib) {
        int sets = kib * 1024 / (ways * line);
        int eax = type | (level << 5) | (1 << 8);
        int ebx = (line - 1) | ((ways - 1) << 22);
        return new int[] {eax, ebx, sets - 1, 0};
    }

    private static int[] brand(int part) {
        byte[] b = new byte[48];
        byte[] s = BRAND.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, 0, Math.min(s.length, 47));
        int[] r = new int[4];
        for (int k = 0; k < 4; k++) {
            int o = part * 16 + k * 4;
            r[k] = (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
        }
        return r;
    }

    private static int ascii(String s) {
        return s.charAt(0) | s.charAt(1) << 8 | s.charAt(2) << 16 | s.charAt(3) << 24;
    }
}
