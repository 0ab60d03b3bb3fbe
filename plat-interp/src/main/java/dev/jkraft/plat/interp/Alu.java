package dev.jkraft.plat.interp;

import java.math.BigInteger;

/** Integer arithmetic with its flags: the eight ALU operations, shifts and rotates, multiply, divide. */
final class Alu {
    static final int ADD = 0;
    static final int OR = 1;
    static final int ADC = 2;
    static final int SBB = 3;
    static final int AND = 4;
    static final int SUB = 5;
    static final int XOR = 6;
    static final int CMP = 7;

    private Alu() {}

    /** ALU operation {@code op} (ModRM.reg order) on {@code a} and {@code b}; sets flags, returns the result. */
    static long op(InterpCpu c, int op, int size, long a, long b) {
        long r;
        switch (op) {
            case ADD -> {
                r = a + b;
                c.setFlags(Flags.ADD, size, r, a, b);
            }
            case OR -> {
                r = a | b;
                c.setFlags(Flags.LOGIC, size, r, a, b);
            }
            case ADC -> {
                long cin = c.cf() ? 1 : 0;
                r = a + b + cin;
                c.setFlags(Flags.ADC, size, r, a, b);
                c.ccCarry = cin;
            }
            case SBB -> {
                long cin = c.cf() ? 1 : 0;
                r = a - b - cin;
                c.setFlags(Flags.SBB, size, r, a, b);
                c.ccCarry = cin;
            }
            case AND -> {
                r = a & b;
                c.setFlags(Flags.LOGIC, size, r, a, b);
            }
            case XOR -> {
                r = a ^ b;
                c.setFlags(Flags.LOGIC, size, r, a, b);
            }
            default -> { // SUB, CMP
                r = a - b;
                c.setFlags(Flags.SUB, size, r, a, b);
            }
        }
        return r & Flags.mask(size);
    }

    static long inc(InterpCpu c, int size, long a) {
        long cf = c.cf() ? Flags.CF : 0;
        long r = a + 1;
        c.setFlags(Flags.INC, size, r, a, 1);
        c.ccCarry = cf;
        return r & Flags.mask(size);
    }

    static long dec(InterpCpu c, int size, long a) {
        long cf = c.cf() ? Flags.CF : 0;
        long r = a - 1;
        c.setFlags(Flags.DEC, size, r, a, 1);
        c.ccCarry = cf;
        return r & Flags.mask(size);
    }

    static long neg(InterpCpu c, int size, long a) {
        long r = -a;
        c.setFlags(Flags.SUB, size, r, 0, a);
        return r & Flags.mask(size);
    }

    /** SF, ZF and PF of {@code r} at {@code size}. */
    static long szp(long r, int size) {
        long m = Flags.mask(size);
        long v = r & m;
        long f = 0;
        if (v == 0) {
            f |= Flags.ZF;
        }
        if ((v & Flags.signBit(size)) != 0) {
            f |= Flags.SF;
        }
        if (Flags.parity(v)) {
            f |= Flags.PF;
        }
        return f;
    }

    static long signExtend(long v, int size) {
        int s = 64 - size * 8;
        return (v << s) >> s;
    }

    /**
     * Group-2 shift or rotate {@code kind} (ModRM.reg: rol ror rcl rcr shl shr sal sar) of {@code a}
     * by {@code count} (already masked as the CPU masks it). A zero count changes no flag.
     */
    static long shift(InterpCpu c, int kind, int size, long a, int count) {
        int bits = size * 8;
        long m = Flags.mask(size);
        a &= m;
        if (count == 0) {
            return a;
        }
        long sign = Flags.signBit(size);
        long f = kind < 4 ? c.rflags() & Flags.ARITH : 0; // rotates keep SF, ZF, AF, PF
        long r;
        switch (kind) {
            case 0 -> { // rol
                int n = count % bits;
                r = n == 0 ? a : ((a << n) | (a >>> (bits - n))) & m;
                f = (f & ~(Flags.CF | Flags.OF)) | (r & 1);
                if (((r & sign) != 0) ^ ((r & 1) != 0)) {
                    f |= Flags.OF;
                }
            }
            case 1 -> { // ror
                int n = count % bits;
                r = n == 0 ? a : ((a >>> n) | (a << (bits - n))) & m;
                f &= ~(Flags.CF | Flags.OF);
                if ((r & sign) != 0) {
                    f |= Flags.CF;
                }
                if (((r & sign) != 0) ^ ((r & (sign >>> 1)) != 0)) {
                    f |= Flags.OF;
                }
            }
            case 2, 3 -> { // rcl, rcr: rotate through CF, a (bits+1)-bit rotation
                int n = count % (bits + 1);
                long cf = (f & Flags.CF) != 0 ? 1 : 0;
                r = a;
                for (int k = 0; k < n; k++) {
                    if (kind == 2) {
                        long out = (r & sign) != 0 ? 1 : 0;
                        r = ((r << 1) | cf) & m;
                        cf = out;
                    } else {
                        long out = r & 1;
                        r = (r >>> 1) | (cf != 0 ? sign : 0);
                        cf = out;
                    }
                }
                f &= ~(Flags.CF | Flags.OF);
                f |= cf;
                boolean of = kind == 2 ? ((r & sign) != 0) ^ (cf != 0) : ((r & sign) != 0) ^ ((r & (sign >>> 1)) != 0);
                if (of) {
                    f |= Flags.OF;
                }
            }
            case 4, 6 -> { // shl
                r = count >= 64 ? 0 : (a << count) & m;
                long out = count > bits ? 0 : (a >>> (bits - count)) & 1;
                f = szp(r, size) | out;
                if (((r & sign) != 0) ^ (out != 0)) {
                    f |= Flags.OF;
                }
            }
            case 5 -> { // shr
                r = count >= 64 ? 0 : a >>> count;
                long out = count > 64 ? 0 : (a >>> (count - 1)) & 1;
                f = szp(r, size) | out;
                if ((a & sign) != 0) {
                    f |= Flags.OF;
                }
            }
            default -> { // sar
                long s = signExtend(a, size);
                r = (s >> Math.min(count, 63)) & m;
                long out = (s >> Math.min(count - 1, 63)) & 1;
                f = szp(r, size) | out;
            }
        }
        c.setEagerFlags(f);
        return r;
    }

    /** shld/shrd: shifts {@code dst} by {@code count} (masked) filling from {@code src}. */
    static long doubleShift(InterpCpu c, boolean left, int size, long dst, long src, int count) {
        int bits = size * 8;
        long m = Flags.mask(size);
        dst &= m;
        src &= m;
        if (count == 0) {
            return dst;
        }
        long sign = Flags.signBit(size);
        long r;
        long out;
        if (size == 2 && count > 16) {
            // Undefined in the manual; the CPU shifts through a dst:src:dst pattern.
            long w = (dst << 32) | (src << 16) | dst;
            if (left) {
                r = (w << count >>> 32) & m;
                out = (w >>> (48 - count)) & 1;
            } else {
                r = (w >>> count) & m;
                out = (w >>> (count - 1)) & 1;
            }
        } else if (left) {
            r = ((dst << count) | (count == bits ? src : src >>> (bits - count))) & m;
            out = (dst >>> (bits - count)) & 1;
        } else {
            r = ((dst >>> count) | (count == bits ? src : src << (bits - count))) & m;
            out = (dst >>> (count - 1)) & 1;
        }
        long f = szp(r, size) | out;
        if (((r ^ dst) & sign) != 0) {
            f |= Flags.OF;
        }
        c.setEagerFlags(f);
        return r;
    }

    /** One-operand mul/imul: rDX:rAX (or AX) = rAX * src; CF = OF = the high half matters. */
    static void mulWide(InterpCpu c, Insn i, boolean signed, long src) {
        int size = i.opsize;
        long a = c.getReg(InterpCpu.RAX, size);
        long lo;
        long hi;
        boolean overflow;
        if (size == 8) {
            lo = a * src;
            hi = signed ? Math.multiplyHigh(a, src) : Math.unsignedMultiplyHigh(a, src);
            overflow = signed ? hi != (lo >> 63) : hi != 0;
        } else {
            int bits = size * 8;
            long p = signed ? signExtend(a, size) * signExtend(src, size) : a * src;
            lo = p & Flags.mask(size);
            hi = (p >> bits) & Flags.mask(size);
            overflow = signed ? p != signExtend(lo, size) : hi != 0;
        }
        if (size == 1) {
            c.setReg(InterpCpu.RAX, 2, (hi << 8) | lo);
        } else {
            c.setReg(InterpCpu.RAX, size, lo);
            c.setReg(InterpCpu.RDX, size, hi);
        }
        c.setEagerFlags((overflow ? Flags.CF | Flags.OF : 0) | szp(lo, size));
    }

    /** Two- and three-operand imul: the truncated product; CF = OF = it did not fit. */
    static long imulTrunc(InterpCpu c, int size, long a, long b) {
        long r;
        boolean overflow;
        if (size == 8) {
            r = a * b;
            overflow = Math.multiplyHigh(a, b) != (r >> 63);
        } else {
            long p = signExtend(a, size) * signExtend(b, size);
            r = p & Flags.mask(size);
            overflow = p != signExtend(r, size);
        }
        c.setEagerFlags((overflow ? Flags.CF | Flags.OF : 0) | szp(r, size));
        return r;
    }

    /** div/idiv of rDX:rAX (or AX) by {@code src}: #DE on zero or a quotient that does not fit. */
    static void divide(InterpCpu c, Insn i, boolean signed, long src) {
        int size = i.opsize;
        if ((src & Flags.mask(size)) == 0) {
            throw CpuFault.of(CpuFault.DE);
        }
        long q;
        long rem;
        if (size == 8) {
            long lo = c.r[InterpCpu.RAX];
            long hi = c.r[InterpCpu.RDX];
            if (!signed) {
                if (hi == 0) {
                    q = Long.divideUnsigned(lo, src);
                    rem = Long.remainderUnsigned(lo, src);
                } else {
                    if (Long.compareUnsigned(hi, src) >= 0) {
                        throw CpuFault.of(CpuFault.DE);
                    }
                    BigInteger n = unsigned(hi).shiftLeft(64).or(unsigned(lo));
                    BigInteger[] qr = n.divideAndRemainder(unsigned(src));
                    q = qr[0].longValue();
                    rem = qr[1].longValue();
                }
            } else if (hi == (lo >> 63)) {
                if (lo == Long.MIN_VALUE && src == -1) {
                    throw CpuFault.of(CpuFault.DE);
                }
                q = lo / src;
                rem = lo % src;
            } else {
                BigInteger n = BigInteger.valueOf(hi).shiftLeft(64).or(unsigned(lo));
                BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(src));
                if (qr[0].bitLength() > 63) {
                    throw CpuFault.of(CpuFault.DE);
                }
                q = qr[0].longValue();
                rem = qr[1].longValue();
            }
        } else {
            int bits = size * 8;
            long n;
            if (size == 1) {
                n = c.getReg(InterpCpu.RAX, 2);
                if (signed) {
                    n = signExtend(n, 2);
                }
            } else {
                long hi = c.getReg(InterpCpu.RDX, size);
                long lo = c.getReg(InterpCpu.RAX, size);
                n = (hi << bits) | lo;
                if (signed) {
                    n = signExtend(n, size * 2);
                }
            }
            long d = signed ? signExtend(src, size) : src & Flags.mask(size);
            if (signed) {
                q = n / d;
                rem = n % d;
                if (q != signExtend(q & Flags.mask(size), size)) {
                    throw CpuFault.of(CpuFault.DE);
                }
            } else {
                q = Long.divideUnsigned(n, d);
                rem = Long.remainderUnsigned(n, d);
                if ((q & ~Flags.mask(size)) != 0) {
                    throw CpuFault.of(CpuFault.DE);
                }
            }
        }
        if (size == 1) {
            c.setReg(InterpCpu.RAX, 2, ((rem & 0xFF) << 8) | (q & 0xFF));
        } else {
            c.setReg(InterpCpu.RAX, size, q);
            c.setReg(InterpCpu.RDX, size, rem);
        }
    }

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }
}
