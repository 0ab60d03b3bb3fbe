package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;

import java.nio.ByteBuffer;

/**
 * SSE and SSE2: floating-point arithmetic and compares (with SSE3's addsub/hadd/hsub and
 * SSE4.1's round and dot products), conversions, integer SIMD, and moves and shuffles, on random XMM contents under a random MXCSR (rounding mode, FTZ, DAZ; exceptions
 * masked, some flags already set). Packed memory operands are 16-byte aligned, but for the
 * aligned moves now and then, which must raise #GP.
 */
final class SseOps {
    private static final String[] FP_NAMES = {"add", "mul", "sub", "min", "div", "max", "sqrt"};
    private static final int[] FP_OPS = {0x58, 0x59, 0x5C, 0x5D, 0x5E, 0x5F, 0x51};
    /** No prefix: ps; 66: pd; F3: ss; F2: sd. */
    private static final int[] PREFIX = {0, 0x66, 0xF3, 0xF2};
    private static final String[] SUFFIX = {"ps", "pd", "ss", "sd"};
    private static final int[] MEM_SIZE = {16, 16, 4, 8};
    private static final int[] INT_OPS = {0xD4, 0xFC, 0xFD, 0xFE, 0xEC, 0xED, 0xDC, 0xDD, 0xF8, 0xF9, 0xFA, 0xFB, 0xE8,
        0xE9, 0xD8, 0xD9, 0xD5, 0xE5, 0xE4, 0xF4, 0xF5, 0xDB, 0xDF, 0xEB, 0xEF, 0x74, 0x75, 0x76, 0x64, 0x65, 0x66, 0xDA,
        0xDE, 0xEA, 0xEE, 0xE0, 0xE3, 0xF6, 0x63, 0x6B, 0x67, 0x60, 0x61, 0x62, 0x6C, 0x68, 0x69, 0x6A, 0x6D, 0xD1, 0xD2,
        0xD3, 0xE1, 0xE2, 0xF1, 0xF2, 0xF3};
    private static final String[] INT_NAMES = {"paddq", "paddb", "paddw", "paddd", "paddsb", "paddsw", "paddusb",
        "paddusw", "psubb", "psubw", "psubd", "psubq", "psubsb", "psubsw", "psubusb", "psubusw", "pmullw", "pmulhw",
        "pmulhuw", "pmuludq", "pmaddwd", "pand", "pandn", "por", "pxor", "pcmpeqb", "pcmpeqw", "pcmpeqd", "pcmpgtb",
        "pcmpgtw", "pcmpgtd", "pminub", "pmaxub", "pminsw", "pmaxsw", "pavgb", "pavgw", "psadbw", "packsswb", "packssdw",
        "packuswb", "punpcklbw", "punpcklwd", "punpckldq", "punpcklqdq", "punpckhbw", "punpckhwd", "punpckhdq",
        "punpckhqdq", "psrlw", "psrld", "psrlq", "psraw", "psrad", "psllw", "pslld", "psllq"};

    private SseOps() {}

    /** Random XMM registers and MXCSR; lanes hold floats, doubles or integers. */
    private static void setUp(CaseBuilder b) {
        ByteBuffer fx = Fxsave.buf(b.fxsave);
        int mxcsr = 0x1F80;
        if (b.rnd.nextInt(3) == 0) {
            mxcsr |= b.rnd.nextInt(4) << 13; // rounding
        }
        if (b.rnd.nextInt(4) == 0) {
            mxcsr |= 0x8000; // FTZ
        }
        if (b.rnd.nextInt(4) == 0) {
            mxcsr |= 0x40; // DAZ
        }
        if (b.rnd.nextInt(4) == 0) {
            mxcsr |= b.rnd.nextInt(64); // flags already set
        }
        fx.putInt(Fxsave.MXCSR, mxcsr);
        for (int i = 0; i < 16; i++) {
            for (int half = 0; half < 2; half++) {
                long v = switch (b.rnd.nextInt(3)) {
                    case 0 -> FpValues.lane64(b.rnd, true);
                    case 1 -> FpValues.lane64(b.rnd, false);
                    default -> Values.any(b.rnd);
                };
                fx.putLong(Fxsave.XMM0 + 16 * i + 8 * half, v);
            }
        }
        // memory the instructions may read: floating-point values too, not only random bytes
        for (int k = 0; k < b.data.length; k += 8) {
            if (b.rnd.nextBoolean()) {
                b.putData(k, FpValues.lane64(b.rnd, b.rnd.nextBoolean()), 8);
            }
        }
    }

    private static int xmm(CaseBuilder b) {
        return b.rnd.nextInt(16);
    }

    /**
     * An XMM register or memory operand of {@code size} bytes, aligned when 16. (Misaligned
     * operands are left to movaps/movapd/movdqa: on this nested-virtualization host KVM reports
     * #UD instead of #GP(0) for a misaligned operand of an SSE arithmetic instruction, the
     * hypervisor below failing to emulate what it intercepted.)
     */
    private static Operand xmmOrMem(CaseBuilder b, int size) {
        if (b.rnd.nextBoolean()) {
            return Operand.register(xmm(b));
        }
        return size == 16 ? b.mem(16) : b.mem();
    }

    /**
     * A plain [base+disp] operand, maybe misaligned: on this host KVM turns the #GP(0) of a
     * misaligned movaps into #UD when the operand is RIP-relative or 67-prefixed (the
     * hypervisor below intercepts the #GP and fails to emulate those forms).
     */
    private static Operand misaligned(CaseBuilder b) {
        boolean vary = b.varyAddressing;
        b.varyAddressing = false;
        Operand m = b.mem();
        b.varyAddressing = vary;
        return m;
    }

    private static String rmText(Operand o, int size) {
        return o.isReg() ? "xmm" + o.reg() : o.describe(size, true);
    }

    private static Enc sse(int prefix, int opcode) {
        Enc e = new Enc();
        if (prefix != 0) {
            e.prefix(prefix);
        }
        return e.op(0x0F, opcode);
    }

    static void floatingPoint(CaseBuilder b) {
        setUp(b);
        for (int n = b.count(); n > 0; n--) {
            int form = b.rnd.nextInt(4);
            int dst = xmm(b);
            switch (b.rnd.nextInt(6)) {
                case 5 -> sse3AndSse41(b, dst);
                case 0, 1 -> {
                    int k = b.rnd.nextInt(FP_OPS.length);
                    Operand src = xmmOrMem(b, MEM_SIZE[form]);
                    Enc e = sse(PREFIX[form], FP_OPS[k]).reg(dst).rm(src);
                    b.emit(FP_NAMES[k] + SUFFIX[form] + " xmm" + dst + ", " + rmText(src, MEM_SIZE[form]), e, 0, 0, 0);
                }
                case 2 -> {
                    int pred = b.rnd.nextInt(8);
                    Operand src = xmmOrMem(b, MEM_SIZE[form]);
                    Enc e = sse(PREFIX[form], 0xC2).reg(dst).rm(src).imm(pred, 1);
                    b.emit("cmp" + SUFFIX[form] + " xmm" + dst + ", " + rmText(src, MEM_SIZE[form]) + ", " + pred, e, 0,
                            0, 0);
                }
                case 3 -> {
                    boolean dbl = b.rnd.nextBoolean();
                    boolean signalling = b.rnd.nextBoolean();
                    Operand src = xmmOrMem(b, dbl ? 8 : 4);
                    Enc e = sse(dbl ? 0x66 : 0, signalling ? 0x2F : 0x2E).reg(dst).rm(src);
                    b.emit((signalling ? "comis" : "ucomis") + (dbl ? "d" : "s") + " xmm" + dst + ", "
                            + rmText(src, dbl ? 8 : 4), e, 0, ARITH, 0);
                }
                default -> {
                    int k = b.rnd.nextInt(4);
                    boolean dbl = b.rnd.nextBoolean();
                    Operand src = xmmOrMem(b, 16);
                    Enc e = sse(dbl ? 0x66 : 0, 0x54 + k).reg(dst).rm(src);
                    b.emit(new String[] {"and", "andn", "or", "xor"}[k] + (dbl ? "pd" : "ps") + " xmm" + dst + ", "
                            + rmText(src, 16), e, 0, 0, 0);
                }
            }
        }
    }

    private static final String[] SSE3_NAMES = {"addsubpd", "addsubps", "haddpd", "haddps", "hsubpd", "hsubps"};
    private static final String[] SSE41_NAMES = {"roundps", "roundpd", "roundss", "roundsd", "dpps", "dppd"};
    private static final int[] SSE41_OPS = {0x08, 0x09, 0x0A, 0x0B, 0x40, 0x41};

    /** SSE3's addsub/hadd/hsub and SSE4.1's round and dot product forms, with random imm8. */
    private static void sse3AndSse41(CaseBuilder b, int dst) {
        if (b.rnd.nextBoolean()) {
            int k = b.rnd.nextInt(6);
            Operand src = xmmOrMem(b, 16);
            Enc e = sse((k & 1) == 0 ? 0x66 : 0xF2, new int[] {0xD0, 0x7C, 0x7D}[k >> 1]).reg(dst).rm(src);
            b.emit(SSE3_NAMES[k] + " xmm" + dst + ", " + rmText(src, 16), e, 0, 0, 0);
            return;
        }
        int k = b.rnd.nextInt(6);
        int size = k == 2 ? 4 : k == 3 ? 8 : 16;
        int imm = b.rnd.nextInt(256);
        Operand src = xmmOrMem(b, size);
        Enc e = new Enc().prefix(0x66).op(0x0F, 0x3A, SSE41_OPS[k]).reg(dst).rm(src).imm(imm, 1);
        b.emit(SSE41_NAMES[k] + " xmm" + dst + ", " + rmText(src, size) + ", " + imm, e, 0, 0, 0);
    }

    static void conversions(CaseBuilder b) {
        setUp(b);
        for (int n = b.count(); n > 0; n--) {
            int dst = xmm(b);
            switch (b.rnd.nextInt(4)) {
                case 0 -> {
                    boolean sd = b.rnd.nextBoolean();
                    boolean wide = b.rnd.nextBoolean();
                    Operand src = b.rnd.nextBoolean() ? Operand.register(b.reg()) : b.mem();
                    Enc e = sse(sd ? 0xF2 : 0xF3, 0x2A).reg(dst).rm(src);
                    if (wide) {
                        e.w();
                    }
                    b.emit("cvtsi2" + (sd ? "sd" : "ss") + " xmm" + dst + ", " + src.describe(wide ? 8 : 4, true), e, 0,
                            0, 0);
                }
                case 1 -> {
                    boolean sd = b.rnd.nextBoolean();
                    boolean truncate = b.rnd.nextBoolean();
                    boolean wide = b.rnd.nextBoolean();
                    int gpr = b.reg();
                    Operand src = xmmOrMem(b, sd ? 8 : 4);
                    Enc e = sse(sd ? 0xF2 : 0xF3, truncate ? 0x2C : 0x2D).reg(gpr).rm(src);
                    if (wide) {
                        e.w();
                    }
                    b.emit("cvt" + (truncate ? "t" : "") + (sd ? "sd" : "ss") + "2si " + Enc.regName(gpr, wide ? 8 : 4,
                            true) + ", " + rmText(src, sd ? 8 : 4), e, 0, 0, 0);
                }
                default -> {
                    int[][] forms = {{0xF3, 0x5A, 4}, {0xF2, 0x5A, 8}, {0, 0x5A, 8}, {0x66, 0x5A, 16}, {0, 0x5B, 16},
                        {0x66, 0x5B, 16}, {0xF3, 0x5B, 16}, {0xF3, 0xE6, 8}, {0xF2, 0xE6, 16}, {0x66, 0xE6, 16}};
                    String[] names = {"cvtss2sd", "cvtsd2ss", "cvtps2pd", "cvtpd2ps", "cvtdq2ps", "cvtps2dq",
                        "cvttps2dq", "cvtdq2pd", "cvtpd2dq", "cvttpd2dq"};
                    int k = b.rnd.nextInt(forms.length);
                    Operand src = xmmOrMem(b, forms[k][2]);
                    Enc e = sse(forms[k][0], forms[k][1]).reg(dst).rm(src);
                    b.emit(names[k] + " xmm" + dst + ", " + rmText(src, forms[k][2]), e, 0, 0, 0);
                }
            }
        }
    }

    static void integer(CaseBuilder b) {
        setUp(b);
        for (int n = b.count(); n > 0; n--) {
            int dst = xmm(b);
            switch (b.rnd.nextInt(6)) {
                case 0, 1, 2 -> {
                    int k = b.rnd.nextInt(INT_OPS.length);
                    Operand src = xmmOrMem(b, 16);
                    if (k >= 49 && src.isReg() && b.rnd.nextBoolean()) {
                        // shift counts: small ones in the low quadword, so that not every shift clears all
                        Fxsave.buf(b.fxsave).putLong(Fxsave.XMM0 + 16 * src.reg(), b.rnd.nextInt(70));
                    }
                    Enc e = sse(0x66, INT_OPS[k]).reg(dst).rm(src);
                    b.emit(INT_NAMES[k] + " xmm" + dst + ", " + rmText(src, 16), e, 0, 0, 0);
                }
                case 3 -> {
                    int[][] shifts = {{0x71, 2}, {0x71, 4}, {0x71, 6}, {0x72, 2}, {0x72, 4}, {0x72, 6}, {0x73, 2},
                        {0x73, 3}, {0x73, 6}, {0x73, 7}};
                    String[] names = {"psrlw", "psraw", "psllw", "psrld", "psrad", "pslld", "psrlq", "psrldq", "psllq",
                        "pslldq"};
                    int k = b.rnd.nextInt(shifts.length);
                    int count = Values.count(b.rnd) & 0xFF;
                    Enc e = sse(0x66, shifts[k][0]).reg(shifts[k][1]).rm(Operand.register(dst)).imm(count, 1);
                    b.emit(names[k] + " xmm" + dst + ", " + count, e, 0, 0, 0);
                }
                case 4 -> {
                    int k = b.rnd.nextInt(3);
                    int imm = b.rnd.nextInt(256);
                    Operand src = xmmOrMem(b, 16);
                    Enc e = sse(new int[] {0x66, 0xF3, 0xF2}[k], 0x70).reg(dst).rm(src).imm(imm, 1);
                    b.emit(new String[] {"pshufd", "pshufhw", "pshuflw"}[k] + " xmm" + dst + ", " + rmText(src, 16)
                            + ", " + imm, e, 0, 0, 0);
                }
                default -> {
                    int gpr = b.reg();
                    Enc e = sse(0x66, 0xD7).reg(gpr).rm(Operand.register(dst));
                    b.emit("pmovmskb " + Enc.regName(gpr, 4, true) + ", xmm" + dst, e, 0, 0, 0);
                }
            }
        }
    }

    static void moves(CaseBuilder b) {
        setUp(b);
        for (int n = b.count(); n > 0; n--) {
            int x = xmm(b);
            switch (b.rnd.nextInt(9)) {
                case 0 -> {
                    // movups/movupd/movss/movsd, movaps/movapd, movdqa/movdqu: loads and stores
                    int[][] forms = {{0, 0x10, 16, 0}, {0x66, 0x10, 16, 0}, {0xF3, 0x10, 4, 0}, {0xF2, 0x10, 8, 0},
                        {0, 0x28, 16, 1}, {0x66, 0x28, 16, 1}, {0x66, 0x6F, 16, 1}, {0xF3, 0x6F, 16, 0}};
                    String[] names = {"movups", "movupd", "movss", "movsd", "movaps", "movapd", "movdqa", "movdqu"};
                    int k = b.rnd.nextInt(forms.length);
                    boolean store = b.rnd.nextBoolean();
                    boolean aligned = forms[k][3] == 1;
                    int size = forms[k][2];
                    Operand m = b.rnd.nextInt(3) == 0 ? Operand.register(xmm(b))
                            : aligned && b.rnd.nextInt(20) != 0 ? b.mem(16) : misaligned(b);
                    int opc = forms[k][1] + (store ? (forms[k][1] == 0x6F ? 0x10 : 1) : 0);
                    Enc e = sse(forms[k][0], opc).reg(x).rm(m);
                    b.emit(names[k] + " " + (store ? rmText(m, size) + ", xmm" + x : "xmm" + x + ", " + rmText(m, size)),
                            e, 0, 0, 0);
                }
                case 1 -> {
                    // movd/movq between xmm and general registers or memory
                    boolean wide = b.rnd.nextBoolean();
                    boolean toXmm = b.rnd.nextBoolean();
                    Operand o = b.rnd.nextBoolean() ? Operand.register(b.reg()) : b.mem();
                    Enc e = sse(0x66, toXmm ? 0x6E : 0x7E).reg(x).rm(o);
                    if (wide) {
                        e.w();
                    }
                    String g = o.describe(wide ? 8 : 4, true);
                    b.emit((wide ? "movq " : "movd ") + (toXmm ? "xmm" + x + ", " + g : g + ", xmm" + x), e, 0, 0, 0);
                }
                case 2 -> {
                    boolean load = b.rnd.nextBoolean();
                    Operand o = xmmOrMem(b, 8);
                    Enc e = load ? sse(0xF3, 0x7E).reg(x).rm(o) : sse(0x66, 0xD6).reg(x).rm(o);
                    b.emit("movq " + (load ? "xmm" + x + ", " + rmText(o, 8) : rmText(o, 8) + ", xmm" + x), e, 0, 0, 0);
                }
                case 3 -> {
                    // movlps/movhps/movlpd/movhpd with memory; movhlps/movlhps between registers
                    boolean pd = b.rnd.nextBoolean();
                    boolean high = b.rnd.nextBoolean();
                    boolean store = b.rnd.nextBoolean();
                    Operand o = !pd && !store && b.rnd.nextBoolean() ? Operand.register(xmm(b)) : b.mem();
                    Enc e = sse(pd ? 0x66 : 0, (high ? 0x16 : 0x12) + (store && !o.isReg() ? 1 : 0)).reg(x).rm(o);
                    String name = o.isReg() ? (high ? "movlhps" : "movhlps")
                            : "mov" + (high ? "h" : "l") + (pd ? "pd" : "ps");
                    b.emit(name + " " + (store && !o.isReg() ? rmText(o, 8) + ", xmm" + x : "xmm" + x + ", " + rmText(o, 8)),
                            e, 0, 0, 0);
                }
                case 4 -> {
                    int k = b.rnd.nextInt(4);
                    Operand o = xmmOrMem(b, 16);
                    Enc e = sse(k >= 2 ? 0x66 : 0, 0x14 + (k & 1)).reg(x).rm(o);
                    b.emit(new String[] {"unpcklps", "unpckhps", "unpcklpd", "unpckhpd"}[k] + " xmm" + x + ", "
                            + rmText(o, 16), e, 0, 0, 0);
                }
                case 5 -> {
                    boolean pd = b.rnd.nextBoolean();
                    int imm = b.rnd.nextInt(256);
                    Operand o = xmmOrMem(b, 16);
                    Enc e = sse(pd ? 0x66 : 0, 0xC6).reg(x).rm(o).imm(imm, 1);
                    b.emit((pd ? "shufpd" : "shufps") + " xmm" + x + ", " + rmText(o, 16) + ", " + imm, e, 0, 0, 0);
                }
                case 6 -> {
                    boolean pd = b.rnd.nextBoolean();
                    int gpr = b.reg();
                    Enc e = sse(pd ? 0x66 : 0, 0x50).reg(gpr).rm(Operand.register(x));
                    b.emit((pd ? "movmskpd " : "movmskps ") + Enc.regName(gpr, 4, true) + ", xmm" + x, e, 0, 0, 0);
                }
                case 7 -> {
                    int imm = b.rnd.nextInt(256);
                    if (b.rnd.nextBoolean()) {
                        Operand o = b.rnd.nextBoolean() ? Operand.register(b.reg()) : b.mem();
                        Enc e = sse(0x66, 0xC4).reg(x).rm(o).imm(imm, 1);
                        b.emit("pinsrw xmm" + x + ", " + o.describe(o.isReg() ? 4 : 2, true) + ", " + imm, e, 0, 0, 0);
                    } else {
                        int gpr = b.reg();
                        Enc e = sse(0x66, 0xC5).reg(gpr).rm(Operand.register(x)).imm(imm, 1);
                        b.emit("pextrw " + Enc.regName(gpr, 4, true) + ", xmm" + x + ", " + imm, e, 0, 0, 0);
                    }
                }
                default -> {
                    // stmxcsr, or ldmxcsr of a valid value with all exceptions masked, from a
                    // corner of the data no other operand reaches. (A reserved bit must raise
                    // #GP(0), but KVM on this nested host reports #UD for it: not tested.)
                    if (b.rnd.nextBoolean()) {
                        Operand m = b.memAt(SnippetRunner.DATA + 0x1F00 + 4 * b.rnd.nextInt(64));
                        b.putData(m.address() - SnippetRunner.DATA, 0x1F80 | (b.rnd.nextInt(4) << 13)
                                | b.rnd.nextInt(64) | (b.rnd.nextBoolean() ? 0x8040 : 0), 4);
                        b.emit("ldmxcsr " + m.describe(4, true), new Enc().op(0x0F, 0xAE).reg(2).rm(m), 0, 0, 0);
                    } else {
                        Operand m = b.mem();
                        b.emit("stmxcsr " + m.describe(4, true), new Enc().op(0x0F, 0xAE).reg(3).rm(m), 0, 0, 0);
                    }
                }
            }
        }
    }
}
