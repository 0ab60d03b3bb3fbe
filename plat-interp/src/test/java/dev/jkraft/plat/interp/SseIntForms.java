package dev.jkraft.plat.interp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The instruction forms the SSE/MMX differential tests cover, and random encodings and states
 * for them. A form is a prefix, an opcode and the kinds of its operands: {@code x} XMM,
 * {@code m} MMX, {@code g} general register, {@code M} memory ([rsi+disp8]); an r/m kind string
 * lists what the r/m operand may be.
 */
final class SseIntForms {
    private SseIntForms() {}

    /** How the imm8 is drawn: none, any byte, or a shift count (mostly in range, sometimes past it). */
    enum Imm {
        NONE, ANY, COUNT
    }

    record Form(String name, int prefix, int[] opcode, char reg, String rm, Imm imm, boolean rexW, int regField) {
        Form withRexW() {
            return new Form(name + " (REX.W)", prefix, opcode, reg, rm, imm, true, regField);
        }
    }

    /** One concrete encoding of a form and where a memory operand's register must point. */
    record Encoding(Form form, byte[] bytes, boolean memory, int disp) {}

    static Form f(String name, int prefix, int op, char reg, String rm) {
        return new Form(name, prefix, new int[] {op}, reg, rm, Imm.NONE, false, -1);
    }

    static Form fi(String name, int prefix, int op, char reg, String rm, Imm imm) {
        return new Form(name, prefix, new int[] {op}, reg, rm, imm, false, -1);
    }

    /** A 0F 71/72/73 group member: ModRM.reg is {@code sub}, r/m the register shifted. */
    static Form group(String name, int prefix, int op, int sub, char kind) {
        return new Form(name, prefix, new int[] {op}, kind, String.valueOf(kind), Imm.COUNT, false, sub);
    }

    /** Lane-wise and cross-lane integer operations: each in its MMX (no prefix) and XMM (66) form. */
    static List<Form> integer() {
        List<Form> l = new ArrayList<>();
        String[][] ops = {
            {"60", "punpcklbw"}, {"61", "punpcklwd"}, {"62", "punpckldq"}, {"63", "packsswb"}, {"64", "pcmpgtb"},
            {"65", "pcmpgtw"}, {"66", "pcmpgtd"}, {"67", "packuswb"}, {"68", "punpckhbw"}, {"69", "punpckhwd"},
            {"6A", "punpckhdq"}, {"6B", "packssdw"}, {"74", "pcmpeqb"}, {"75", "pcmpeqw"}, {"76", "pcmpeqd"},
            {"D1", "psrlw"}, {"D2", "psrld"}, {"D3", "psrlq"}, {"D4", "paddq"}, {"D5", "pmullw"}, {"D8", "psubusb"},
            {"D9", "psubusw"}, {"DA", "pminub"}, {"DB", "pand"}, {"DC", "paddusb"}, {"DD", "paddusw"}, {"DE", "pmaxub"},
            {"DF", "pandn"}, {"E0", "pavgb"}, {"E1", "psraw"}, {"E2", "psrad"}, {"E3", "pavgw"}, {"E4", "pmulhuw"},
            {"E5", "pmulhw"}, {"E8", "psubsb"}, {"E9", "psubsw"}, {"EA", "pminsw"}, {"EB", "por"}, {"EC", "paddsb"},
            {"ED", "paddsw"}, {"EE", "pmaxsw"}, {"EF", "pxor"}, {"F1", "psllw"}, {"F2", "pslld"}, {"F3", "psllq"},
            {"F4", "pmuludq"}, {"F5", "pmaddwd"}, {"F6", "psadbw"}, {"F8", "psubb"}, {"F9", "psubw"}, {"FA", "psubd"},
            {"FB", "psubq"}, {"FC", "paddb"}, {"FD", "paddw"}, {"FE", "paddd"}
        };
        for (String[] o : ops) {
            int op = Integer.parseInt(o[0], 16);
            l.add(f(o[1] + " mm", 0, op, 'm', "mM"));
            l.add(f(o[1] + " xmm", 0x66, op, 'x', "xM"));
        }
        l.add(f("punpcklqdq", 0x66, 0x6C, 'x', "xM"));
        l.add(f("punpckhqdq", 0x66, 0x6D, 'x', "xM"));
        for (char k : new char[] {'m', 'x'}) {
            int p = k == 'm' ? 0 : 0x66;
            String s = k == 'm' ? " mm" : " xmm";
            l.add(group("psrlw" + s + ", imm", p, 0x71, 2, k));
            l.add(group("psraw" + s + ", imm", p, 0x71, 4, k));
            l.add(group("psllw" + s + ", imm", p, 0x71, 6, k));
            l.add(group("psrld" + s + ", imm", p, 0x72, 2, k));
            l.add(group("psrad" + s + ", imm", p, 0x72, 4, k));
            l.add(group("pslld" + s + ", imm", p, 0x72, 6, k));
            l.add(group("psrlq" + s + ", imm", p, 0x73, 2, k));
            l.add(group("psllq" + s + ", imm", p, 0x73, 6, k));
        }
        l.add(group("psrldq", 0x66, 0x73, 3, 'x'));
        l.add(group("pslldq", 0x66, 0x73, 7, 'x'));
        l.add(fi("pshufw", 0, 0x70, 'm', "mM", Imm.ANY));
        l.add(fi("pshufd", 0x66, 0x70, 'x', "xM", Imm.ANY));
        l.add(fi("pshufhw", 0xF3, 0x70, 'x', "xM", Imm.ANY));
        l.add(fi("pshuflw", 0xF2, 0x70, 'x', "xM", Imm.ANY));
        l.add(fi("pinsrw mm", 0, 0xC4, 'm', "gM", Imm.ANY));
        l.add(fi("pinsrw xmm", 0x66, 0xC4, 'x', "gM", Imm.ANY));
        l.add(fi("pextrw mm", 0, 0xC5, 'g', "m", Imm.ANY));
        l.add(fi("pextrw xmm", 0x66, 0xC5, 'g', "x", Imm.ANY));
        l.add(fi("pextrw xmm", 0x66, 0xC5, 'g', "x", Imm.ANY).withRexW());
        l.add(fi("shufps", 0, 0xC6, 'x', "xM", Imm.ANY));
        l.add(fi("shufpd", 0x66, 0xC6, 'x', "xM", Imm.ANY));
        l.add(f("unpcklps", 0, 0x14, 'x', "xM"));
        l.add(f("unpcklpd", 0x66, 0x14, 'x', "xM"));
        l.add(f("unpckhps", 0, 0x15, 'x', "xM"));
        l.add(f("unpckhpd", 0x66, 0x15, 'x', "xM"));
        l.add(f("andps", 0, 0x54, 'x', "xM"));
        l.add(f("andnpd", 0x66, 0x55, 'x', "xM"));
        l.add(f("orps", 0, 0x56, 'x', "xM"));
        l.add(f("xorpd", 0x66, 0x57, 'x', "xM"));
        return l;
    }

    static List<Form> moves() {
        List<Form> l = new ArrayList<>();
        l.add(f("movups load", 0, 0x10, 'x', "xM"));
        l.add(f("movupd load", 0x66, 0x10, 'x', "xM"));
        l.add(f("movss load", 0xF3, 0x10, 'x', "xM"));
        l.add(f("movsd load", 0xF2, 0x10, 'x', "xM"));
        l.add(f("movups store", 0, 0x11, 'x', "xM"));
        l.add(f("movupd store", 0x66, 0x11, 'x', "xM"));
        l.add(f("movss store", 0xF3, 0x11, 'x', "xM"));
        l.add(f("movsd store", 0xF2, 0x11, 'x', "xM"));
        l.add(f("movlps/movhlps", 0, 0x12, 'x', "xM"));
        l.add(f("movlpd", 0x66, 0x12, 'x', "M"));
        l.add(f("movlps store", 0, 0x13, 'x', "M"));
        l.add(f("movlpd store", 0x66, 0x13, 'x', "M"));
        l.add(f("movhps/movlhps", 0, 0x16, 'x', "xM"));
        l.add(f("movhpd", 0x66, 0x16, 'x', "M"));
        l.add(f("movhps store", 0, 0x17, 'x', "M"));
        l.add(f("movhpd store", 0x66, 0x17, 'x', "M"));
        l.add(f("movaps load", 0, 0x28, 'x', "xM"));
        l.add(f("movapd load", 0x66, 0x28, 'x', "xM"));
        l.add(f("movaps store", 0, 0x29, 'x', "xM"));
        l.add(f("movapd store", 0x66, 0x29, 'x', "xM"));
        l.add(f("movntps", 0, 0x2B, 'x', "M"));
        l.add(f("movntpd", 0x66, 0x2B, 'x', "M"));
        l.add(f("movmskps", 0, 0x50, 'g', "x"));
        l.add(f("movmskpd", 0x66, 0x50, 'g', "x"));
        l.add(f("movd mm, r/m32", 0, 0x6E, 'm', "gM"));
        l.add(f("movq mm, r/m64", 0, 0x6E, 'm', "gM").withRexW());
        l.add(f("movd xmm, r/m32", 0x66, 0x6E, 'x', "gM"));
        l.add(f("movq xmm, r/m64", 0x66, 0x6E, 'x', "gM").withRexW());
        l.add(f("movq mm, mm/m64", 0, 0x6F, 'm', "mM"));
        l.add(f("movdqa load", 0x66, 0x6F, 'x', "xM"));
        l.add(f("movdqu load", 0xF3, 0x6F, 'x', "xM"));
        l.add(f("movd r/m32, mm", 0, 0x7E, 'm', "gM"));
        l.add(f("movq r/m64, mm", 0, 0x7E, 'm', "gM").withRexW());
        l.add(f("movd r/m32, xmm", 0x66, 0x7E, 'x', "gM"));
        l.add(f("movq r/m64, xmm", 0x66, 0x7E, 'x', "gM").withRexW());
        l.add(f("movq xmm, xmm/m64", 0xF3, 0x7E, 'x', "xM"));
        l.add(f("movq mm/m64, mm", 0, 0x7F, 'm', "mM"));
        l.add(f("movdqa store", 0x66, 0x7F, 'x', "xM"));
        l.add(f("movdqu store", 0xF3, 0x7F, 'x', "xM"));
        l.add(f("movnti m32", 0, 0xC3, 'g', "M"));
        l.add(f("movnti m64", 0, 0xC3, 'g', "M").withRexW());
        l.add(f("movq xmm/m64, xmm", 0x66, 0xD6, 'x', "xM"));
        l.add(f("movq2dq", 0xF3, 0xD6, 'x', "m"));
        l.add(f("movdq2q", 0xF2, 0xD6, 'm', "x"));
        l.add(f("pmovmskb mm", 0, 0xD7, 'g', "m"));
        l.add(f("pmovmskb xmm", 0x66, 0xD7, 'g', "x"));
        l.add(f("movntq", 0, 0xE7, 'm', "M"));
        l.add(f("movntdq", 0x66, 0xE7, 'x', "M"));
        l.add(f("maskmovq", 0, 0xF7, 'm', "m"));
        l.add(f("maskmovdqu", 0x66, 0xF7, 'x', "x"));
        return l;
    }

    static Form map(String name, int prefix, int map, int op, char reg, String rm, Imm imm) {
        return new Form(name, prefix, new int[] {map, op}, reg, rm, imm, false, -1);
    }

    /** SSSE3, each in its MMX and XMM form. */
    static List<Form> ssse3() {
        List<Form> l = new ArrayList<>();
        String[][] ops = {
            {"00", "pshufb"}, {"01", "phaddw"}, {"02", "phaddd"}, {"03", "phaddsw"}, {"04", "pmaddubsw"},
            {"05", "phsubw"}, {"06", "phsubd"}, {"07", "phsubsw"}, {"08", "psignb"}, {"09", "psignw"},
            {"0A", "psignd"}, {"0B", "pmulhrsw"}, {"1C", "pabsb"}, {"1D", "pabsw"}, {"1E", "pabsd"}
        };
        for (String[] o : ops) {
            int op = Integer.parseInt(o[0], 16);
            l.add(map(o[1] + " mm", 0, 0x38, op, 'm', "mM", Imm.NONE));
            l.add(map(o[1] + " xmm", 0x66, 0x38, op, 'x', "xM", Imm.NONE));
        }
        l.add(map("palignr mm", 0, 0x3A, 0x0F, 'm', "mM", Imm.COUNT));
        l.add(map("palignr xmm", 0x66, 0x3A, 0x0F, 'x', "xM", Imm.COUNT));
        return l;
    }

    /** The integer and bitwise SSE4.1 instructions, and SSE3's moves. */
    static List<Form> sse41() {
        List<Form> l = new ArrayList<>();
        String[][] ops = {
            {"10", "pblendvb"}, {"14", "blendvps"}, {"15", "blendvpd"}, {"17", "ptest"}, {"20", "pmovsxbw"},
            {"21", "pmovsxbd"}, {"22", "pmovsxbq"}, {"23", "pmovsxwd"}, {"24", "pmovsxwq"}, {"25", "pmovsxdq"},
            {"30", "pmovzxbw"}, {"31", "pmovzxbd"}, {"32", "pmovzxbq"}, {"33", "pmovzxwd"}, {"34", "pmovzxwq"},
            {"35", "pmovzxdq"}, {"28", "pmuldq"}, {"29", "pcmpeqq"}, {"2B", "packusdw"}, {"38", "pminsb"},
            {"39", "pminsd"}, {"3A", "pminuw"}, {"3B", "pminud"}, {"3C", "pmaxsb"}, {"3D", "pmaxsd"},
            {"3E", "pmaxuw"}, {"3F", "pmaxud"}, {"40", "pmulld"}, {"41", "phminposuw"}
        };
        for (String[] o : ops) {
            l.add(map(o[1], 0x66, 0x38, Integer.parseInt(o[0], 16), 'x', "xM", Imm.NONE));
        }
        l.add(map("movntdqa", 0x66, 0x38, 0x2A, 'x', "M", Imm.NONE));
        l.add(map("blendps", 0x66, 0x3A, 0x0C, 'x', "xM", Imm.ANY));
        l.add(map("blendpd", 0x66, 0x3A, 0x0D, 'x', "xM", Imm.ANY));
        l.add(map("pblendw", 0x66, 0x3A, 0x0E, 'x', "xM", Imm.ANY));
        l.add(map("pextrb", 0x66, 0x3A, 0x14, 'x', "gM", Imm.ANY));
        l.add(map("pextrw r/m", 0x66, 0x3A, 0x15, 'x', "gM", Imm.ANY));
        l.add(map("pextrd", 0x66, 0x3A, 0x16, 'x', "gM", Imm.ANY));
        l.add(map("pextrq", 0x66, 0x3A, 0x16, 'x', "gM", Imm.ANY).withRexW());
        l.add(map("extractps", 0x66, 0x3A, 0x17, 'x', "gM", Imm.ANY));
        l.add(map("extractps", 0x66, 0x3A, 0x17, 'x', "gM", Imm.ANY).withRexW());
        l.add(map("pinsrb", 0x66, 0x3A, 0x20, 'x', "gM", Imm.ANY));
        l.add(map("insertps", 0x66, 0x3A, 0x21, 'x', "xM", Imm.ANY));
        l.add(map("pinsrd", 0x66, 0x3A, 0x22, 'x', "gM", Imm.ANY));
        l.add(map("pinsrq", 0x66, 0x3A, 0x22, 'x', "gM", Imm.ANY).withRexW());
        l.add(map("mpsadbw", 0x66, 0x3A, 0x42, 'x', "xM", Imm.ANY));
        l.add(f("movddup", 0xF2, 0x12, 'x', "xM"));
        l.add(f("movsldup", 0xF3, 0x12, 'x', "xM"));
        l.add(f("movshdup", 0xF3, 0x16, 'x', "xM"));
        l.add(f("lddqu", 0xF2, 0xF0, 'x', "M"));
        return l;
    }

    /** SSE4.2 (string compares, pcmpgtq, crc32), MOVBE and PCLMULQDQ. */
    static List<Form> sse42() {
        List<Form> l = new ArrayList<>();
        l.add(map("pcmpgtq", 0x66, 0x38, 0x37, 'x', "xM", Imm.NONE));
        for (int op = 0x60; op <= 0x63; op++) {
            String name = new String[] {"pcmpestrm", "pcmpestri", "pcmpistrm", "pcmpistri"}[op - 0x60];
            l.add(map(name, 0x66, 0x3A, op, 'x', "xM", Imm.ANY));
            if (op <= 0x61) {
                l.add(map(name, 0x66, 0x3A, op, 'x', "xM", Imm.ANY).withRexW());
            }
        }
        l.add(map("crc32 r32, r/m8", 0xF2, 0x38, 0xF0, 'g', "gM", Imm.NONE));
        l.add(map("crc32 r64, r/m8", 0xF2, 0x38, 0xF0, 'g', "gM", Imm.NONE).withRexW());
        l.add(map("crc32 r32, r/m16", 0x66F2, 0x38, 0xF1, 'g', "gM", Imm.NONE));
        l.add(map("crc32 r32, r/m32", 0xF2, 0x38, 0xF1, 'g', "gM", Imm.NONE));
        l.add(map("crc32 r64, r/m64", 0xF2, 0x38, 0xF1, 'g', "gM", Imm.NONE).withRexW());
        l.add(map("pclmulqdq", 0x66, 0x3A, 0x44, 'x', "xM", Imm.ANY));
        l.add(map("movbe load", 0, 0x38, 0xF0, 'g', "M", Imm.NONE));
        l.add(map("movbe load16", 0x66, 0x38, 0xF0, 'g', "M", Imm.NONE));
        l.add(map("movbe store", 0, 0x38, 0xF1, 'g', "M", Imm.NONE));
        l.add(map("movbe store64", 0, 0x38, 0xF1, 'g', "M", Imm.NONE).withRexW());
        l.add(map("movbe reg", 0, 0x38, 0xF0, 'g', "g", Imm.NONE));
        return l;
    }

    /**
     * Encodings the CPU rejects (or that are not SSE2): the interpreter must agree with the
     * hardware. Left out: those the KVM here emulates after the CPU's #UD (see SseIntRig), such
     * as movntdq with a register operand and movnti with a 66/F2/F3 prefix, which it completes
     * (a page-crossing one even half-way, as no CPU stores); the interpreter keeps the SDM's #UD.
     */
    static List<Form> invalid() {
        List<Form> l = new ArrayList<>();
        l.add(f("F3 paddb", 0xF3, 0xFC, 'x', "xM"));
        l.add(f("F2 punpcklbw", 0xF2, 0x60, 'x', "xM"));
        l.add(f("F3 pxor", 0xF3, 0xEF, 'x', "xM"));
        l.add(f("movlpd reg", 0x66, 0x12, 'x', "x"));
        l.add(f("movhpd reg", 0x66, 0x16, 'x', "x"));
        l.add(f("movlps store reg", 0, 0x13, 'x', "x"));
        l.add(f("movntps reg", 0, 0x2B, 'x', "x"));
        l.add(f("movnti reg", 0, 0xC3, 'g', "g"));
        l.add(f("pmovmskb mem", 0x66, 0xD7, 'g', "M"));
        l.add(fi("pextrw mem", 0x66, 0xC5, 'g', "M", Imm.ANY));
        l.add(group("psrldq mm", 0, 0x73, 3, 'm'));
        l.add(group("0F 71 /0", 0x66, 0x71, 0, 'x'));
        l.add(group("0F 73 /4", 0x66, 0x73, 4, 'x'));
        l.add(fi("psrlw mem imm", 0x66, 0x71, 'x', "M", Imm.COUNT));
        l.add(f("movaps F3", 0xF3, 0x28, 'x', "xM"));
        l.add(f("punpcklqdq mm", 0, 0x6C, 'm', "mM"));
        l.add(map("pblendvb without 66", 0, 0x38, 0x10, 'm', "mM", Imm.NONE));
        l.add(map("ptest without 66", 0, 0x38, 0x17, 'm', "mM", Imm.NONE));
        l.add(map("pmulld without 66", 0, 0x38, 0x40, 'm', "mM", Imm.NONE));
        l.add(map("F3 pshufb", 0xF3, 0x38, 0x00, 'x', "xM", Imm.NONE));
        l.add(map("pblendw without 66", 0, 0x3A, 0x0E, 'm', "mM", Imm.ANY));
        l.add(map("movntdqa reg", 0x66, 0x38, 0x2A, 'x', "x", Imm.NONE));
        l.add(f("F3 movmskps", 0xF3, 0x50, 'g', "x"));
        l.add(fi("F2 shufps", 0xF2, 0xC6, 'x', "xM", Imm.ANY));
        l.add(f("F3 pmovmskb", 0xF3, 0xD7, 'g', "x"));
        l.add(f("F2 unpcklps", 0xF2, 0x14, 'x', "xM"));
        l.add(f("F3 movq store", 0xF3, 0xD6, 'x', "M"));
        l.add(f("F2 movdqa", 0xF2, 0x6F, 'x', "xM"));
        l.add(f("F3 movd", 0xF3, 0x6E, 'x', "gM"));
        l.add(f("movntq reg", 0, 0xE7, 'm', "m"));
        l.add(f("maskmovq mem", 0, 0xF7, 'm', "M"));
        l.add(f("lock paddb", 0xF066, 0xFC, 'x', "xM"));
        l.add(f("lock movdqa store", 0xF066, 0x7F, 'x', "M"));
        l.add(f("lock paddb mm", 0xF0, 0xFC, 'm', "mM"));
        return l;
    }

    /** {@code count} encodings of {@code form}, register and memory forms alike where both exist. */
    static List<Encoding> encodings(Form form, Random rnd, int count) {
        List<Encoding> out = new ArrayList<>();
        String regKinds = form.rm.replace("M", "");
        boolean mem = form.rm.contains("M");
        for (int k = 0; k < count; k++) {
            boolean useMem = mem && (regKinds.isEmpty() || k % 2 == 1);
            int reg = form.regField >= 0 ? form.regField : number(form.reg, rnd);
            int rm = useMem ? -1 : number(regKinds.charAt(0), rnd);
            if (form.regField >= 0 && rnd.nextBoolean()) {
                reg |= 8; // REX.R must not change the group member
            }
            int disp = useMem ? (rnd.nextBoolean() ? 16 * (rnd.nextInt(8) - 4) : rnd.nextInt(256) - 128) : 0;
            int imm = switch (form.imm) {
                case NONE -> -1;
                case ANY -> rnd.nextInt(256);
                case COUNT -> rnd.nextInt(8) == 0 ? rnd.nextInt(256) : rnd.nextInt(70);
            };
            byte[] bytes = SseIntRig.encode(form.prefix, form.rexW, form.opcode, reg, rm, disp, imm);
            out.add(new Encoding(form, bytes, useMem, (byte) disp));
        }
        return out;
    }

    private static final int[] ALPHABET = {0, 0x61, 0x62, 0x63, 0x7F, 0x80, 0xFF};

    /**
     * Vector registers and data made of a few byte values, so that compares find matches, and
     * rax/rdx small lengths of either sign (pcmpestri/m).
     */
    private static void smallAlphabet(SseIntRig.State s, Random rnd) {
        int zeroOdds = 2 + rnd.nextInt(30);
        for (int k = 160; k < 416; k++) {
            s.fpu()[k] = (byte) (rnd.nextInt(zeroOdds) == 0 ? 0 : ALPHABET[1 + rnd.nextInt(ALPHABET.length - 1)]);
        }
        for (int k = 0; k < s.data().length; k++) {
            s.data()[k] = (byte) (rnd.nextInt(zeroOdds) == 0 ? 0 : ALPHABET[1 + rnd.nextInt(ALPHABET.length - 1)]);
        }
        s.gprs()[0] = rnd.nextInt(41) - 20;
        s.gprs()[2] = rnd.nextInt(41) - 20;
        if (rnd.nextInt(8) == 0) {
            s.gprs()[0] |= 0x1234_5678_0000_0000L;
        }
    }

    /** A register number for an operand kind; for MMX sometimes with a REX bit, which the CPU ignores. */
    private static int number(char kind, Random rnd) {
        return switch (kind) {
            case 'x', 'g' -> rnd.nextInt(16);
            case 'm' -> rnd.nextInt(4) == 0 ? 8 + rnd.nextInt(8) : rnd.nextInt(8);
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    /**
     * A random state for one run of {@code e}: rsi makes its memory operand mostly aligned and
     * inside the data pages, sometimes misaligned, sometimes running into the unmapped page after
     * them; rdi points into the data pages for the masked stores.
     */
    static SseIntRig.State state(Encoding e, Random rnd) {
        SseIntRig.State s = SseIntRig.randomState(rnd);
        long target;
        int pick = rnd.nextInt(20);
        if (pick < 15) {
            target = SseIntRig.DATA + 16L * rnd.nextInt(SseIntRig.DATA_BYTES / 16);
        } else if (pick < 18) {
            target = SseIntRig.DATA + rnd.nextInt(SseIntRig.DATA_BYTES - 16);
        } else {
            target = SseIntRig.DATA + SseIntRig.DATA_BYTES - 1 - rnd.nextInt(16);
        }
        if (rnd.nextInt(3) == 0) {
            smallAlphabet(s, rnd);
        }
        s.gprs()[6] = target - e.disp();
        s.gprs()[7] = SseIntRig.DATA + (pick < 18 ? rnd.nextInt(SseIntRig.DATA_BYTES - 16)
                : SseIntRig.DATA_BYTES - 1 - rnd.nextInt(16));
        return s;
    }
}
