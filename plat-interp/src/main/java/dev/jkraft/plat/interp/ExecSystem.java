package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/** The integer and system part of the 0F opcode map: syscall, cpuid, rdtsc, cmovcc, bit operations, cmpxchg ... */
final class ExecSystem {
    private ExecSystem() {}

    static void twoByte(InterpCpu c, Insn i, int op) {
        int size = i.opsize;
        switch (op) {
            case 0x01 -> group7(c, i);
            case 0x05 -> c.syscall();
            case 0x0B, 0xB9 -> throw CpuFault.undefined(); // ud2, ud1
            case 0xFF -> throw CpuFault.undefined(); // ud0
            case 0x0D, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> {
                // prefetch hints, endbr64 and the multi-byte nops: nothing to do (a memory operand is not accessed)
            }
            case 0x31 -> rdtsc(c);
            case 0xA2 -> cpuid(c);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> {
                long v = c.getRm(i, size); // read (and fault) whatever the condition
                if (Flags.condition(c, op & 0xF)) {
                    c.setReg(i.reg, size, v);
                } else if (size == 4) {
                    c.setReg(i.reg, 4, c.getReg(i.reg, 4)); // a 32-bit cmov clears the upper half either way
                }
            }
            case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F -> {
                if (Flags.condition(c, op & 0xF)) {
                    c.rip = Exec.target(i.imm);
                }
            }
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F ->
                    c.setRm(i, 1, Flags.condition(c, op & 0xF) ? 1 : 0);
            case 0xA0, 0xA8 -> Exec.push(c, size, 0); // push fs, gs: null selectors
            case 0xA1, 0xA9 -> throw CpuFault.of(CpuFault.GP, 0);
            case 0xA3 -> BitOps.bt(c, i, 0, c.getReg(i.reg, size), true);
            case 0xAB -> BitOps.bt(c, i, 1, c.getReg(i.reg, size), true);
            case 0xB3 -> BitOps.bt(c, i, 2, c.getReg(i.reg, size), true);
            case 0xBB -> BitOps.bt(c, i, 3, c.getReg(i.reg, size), true);
            case 0xBA -> {
                int kind = i.reg & 7;
                if (kind < 4) {
                    throw CpuFault.undefined();
                }
                BitOps.bt(c, i, kind - 4, i.imm, false);
            }
            case 0xA4, 0xA5, 0xAC, 0xAD -> {
                int count = (int) ((op & 1) == 0 ? i.imm : c.r[InterpCpu.RCX]) & (size == 8 ? 63 : 31);
                boolean left = op < 0xA8;
                long src = c.getReg(i.reg, size);
                if (i.rm >= 0) {
                    c.setReg(i.rm, size, Alu.doubleShift(c, left, size, c.getReg(i.rm, size), src, count));
                } else {
                    long va = c.ea(i);
                    c.mem.probeWrite(va, size);
                    long v = c.mem.read(va, size);
                    c.mem.write(va, size, Alu.doubleShift(c, left, size, v, src, count));
                }
            }
            case 0xAE -> group15(c, i);
            case 0xAF -> c.setReg(i.reg, size, Alu.imulTrunc(c, size, c.getReg(i.reg, size), c.getRm(i, size)));
            case 0xB0, 0xB1 -> cmpxchg(c, i);
            case 0xB6 -> c.setReg(i.reg, size, c.getRm(i, 1));
            case 0xB7 -> c.setReg(i.reg, size, c.getRm(i, 2));
            case 0xBE -> c.setReg(i.reg, size, Alu.signExtend(c.getRm(i, 1), 1));
            case 0xBF -> c.setReg(i.reg, size, Alu.signExtend(c.getRm(i, 2), 2));
            case 0xB8 -> {
                if (i.mandatory != 0xF3) {
                    throw CpuFault.undefined(); // jmpe
                }
                BitOps.popcnt(c, i);
            }
            case 0xBC, 0xBD -> BitOps.scan(c, i, op == 0xBD);
            case 0xC0, 0xC1 -> xadd(c, i);
            case 0xC7 -> group9(c, i);
            case 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF -> {
                if (size == 8) {
                    c.r[i.reg] = Long.reverseBytes(c.r[i.reg]);
                } else if (size == 4) {
                    c.setReg(i.reg, 4, Integer.reverseBytes((int) c.r[i.reg]) & 0xFFFF_FFFFL);
                } else {
                    c.setReg(i.reg, 2, 0); // bswap of a 16-bit register: undefined, zero on Intel
                }
            }
            // lar, lsl, clts, invd, wbinvd, wrmsr, rdmsr, rdpmc, sysenter, sysexit, rsm, mov cr/dr ...
            default -> throw (op == 0x00 || op == 0x02 || op == 0x03 || op == 0x06 || op == 0x08 || op == 0x09
                    || (op >= 0x20 && op <= 0x23) || op == 0x30 || op == 0x32 || op == 0x33 || op == 0x34 || op == 0x35
                    || op == 0x07 || op == 0xAA) ? CpuFault.of(CpuFault.GP, 0) : CpuFault.undefined();
        }
    }

    private static void group7(InterpCpu c, Insn i) {
        if (i.rm >= 0 && i.modrm == 0xF9) { // rdtscp
            rdtsc(c);
            c.r[InterpCpu.RCX] = 0; // TSC_AUX, which jkraft leaves 0 on KVM too
            return;
        }
        if (i.rm >= 0 && i.modrm == 0xD0) {
            throw CpuFault.undefined(); // xgetbv: no OSXSAVE
        }
        throw CpuFault.of(CpuFault.GP, 0);
    }

    private static void rdtsc(InterpCpu c) {
        long t = c.machine.rdtsc();
        c.r[InterpCpu.RAX] = t & 0xFFFF_FFFFL;
        c.r[InterpCpu.RDX] = t >>> 32;
    }

    private static void cpuid(InterpCpu c) {
        int[] v = Cpuid.query((int) c.r[InterpCpu.RAX], (int) c.r[InterpCpu.RCX]);
        if (c.r[InterpCpu.RAX] == 1) {
            v = v.clone();
            v[1] |= c.id << 24; // initial APIC id
        }
        c.r[InterpCpu.RAX] = v[0] & 0xFFFF_FFFFL;
        c.r[InterpCpu.RBX] = v[1] & 0xFFFF_FFFFL;
        c.r[InterpCpu.RCX] = v[2] & 0xFFFF_FFFFL;
        c.r[InterpCpu.RDX] = v[3] & 0xFFFF_FFFFL;
    }

    /** 0F AE: fxsave, fxrstor, ldmxcsr, stmxcsr, and the fences. */
    private static void group15(InterpCpu c, Insn i) {
        int kind = i.reg & 7;
        if (i.rm >= 0) {
            switch (kind) {
                case 5, 6, 7 -> VarHandle.fullFence(); // lfence, mfence, sfence
                default -> throw CpuFault.undefined(); // rdfsbase & co: FSGSBASE not enabled
            }
            return;
        }
        long va = c.ea(i);
        switch (kind) {
            case 0 -> { // fxsave
                if ((va & 15) != 0) {
                    throw CpuFault.of(CpuFault.GP, 0);
                }
                c.mem.probeWrite(va, 512);
                byte[] image = new byte[512];
                MemorySegment s = MemorySegment.ofArray(image);
                // Bytes 464-511 are software's: the CPU leaves them as they are.
                for (int k = 464; k < 512; k++) {
                    image[k] = (byte) c.mem.read8(va + k);
                }
                c.fxsave(s, 0);
                if ((i.prefixes & Insn.P_REXW) == 0) {
                    // fxsave (32-bit form): FIP and FDP as offset + selector
                    s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 12, 0);
                    s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 20, 0);
                }
                for (int k = 0; k < 464; k++) {
                    c.mem.write8(va + k, image[k]);
                }
            }
            case 1 -> { // fxrstor
                if ((va & 15) != 0) {
                    throw CpuFault.of(CpuFault.GP, 0);
                }
                byte[] image = new byte[512];
                c.mem.probeRead(va, 512);
                for (int k = 0; k < 512; k++) {
                    image[k] = (byte) c.mem.read8(va + k);
                }
                MemorySegment s = MemorySegment.ofArray(image);
                if ((s.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 24) & ~InterpCpu.MXCSR_MASK) != 0) {
                    throw CpuFault.of(CpuFault.GP, 0);
                }
                c.fxrstor(s, 0);
            }
            case 2 -> { // ldmxcsr
                int v = c.mem.read32(va);
                if ((v & ~InterpCpu.MXCSR_MASK) != 0) {
                    throw CpuFault.of(CpuFault.GP, 0);
                }
                c.mxcsr = v;
            }
            case 3 -> c.mem.write32(va, c.mxcsr); // stmxcsr
            case 7 -> c.mem.read8(va); // clflush: only checks the address
            default -> throw CpuFault.undefined(); // xsave family: no XSAVE
        }
    }

    private static void cmpxchg(InterpCpu c, Insn i) {
        int size = i.opsize;
        long acc = c.getReg(InterpCpu.RAX, size);
        long src = c.getRegOperand(i, i.reg, size);
        long found;
        if (i.rm >= 0) {
            found = c.getRegOperand(i, i.rm, size);
            if (found == acc) {
                c.setRegOperand(i, i.rm, size, src);
            }
        } else {
            long va = c.ea(i);
            c.mem.probeWrite(va, size); // the CPU writes even when it does not swap
            found = c.mem.cas(va, size, acc, src);
        }
        Alu.op(c, Alu.CMP, size, acc, found);
        if (found != acc) {
            c.setRegOperand(i, InterpCpu.RAX, size, found);
        }
    }

    private static void xadd(InterpCpu c, Insn i) {
        int size = i.opsize;
        long src = c.getRegOperand(i, i.reg, size);
        if (i.rm >= 0) {
            long dst = c.getRegOperand(i, i.rm, size);
            long sum = Alu.op(c, Alu.ADD, size, dst, src);
            c.setRegOperand(i, i.reg, size, dst);
            c.setRegOperand(i, i.rm, size, sum);
            return;
        }
        long va = c.ea(i);
        c.mem.probeWrite(va, size);
        for (;;) {
            long old = c.mem.read(va, size);
            long sum = Alu.op(c, Alu.ADD, size, old, src);
            if (c.mem.cas(va, size, old, sum) == old) {
                c.setRegOperand(i, i.reg, size, old);
                return;
            }
        }
    }

    /** 0F C7: cmpxchg8b/16b; rdrand, rdseed, rdpid are not offered. */
    private static void group9(InterpCpu c, Insn i) {
        if ((i.reg & 7) != 1 || i.rm >= 0) {
            throw CpuFault.undefined();
        }
        long va = c.ea(i);
        if ((i.prefixes & Insn.P_REXW) != 0) {
            if ((va & 15) != 0) {
                throw CpuFault.of(CpuFault.GP, 0);
            }
            long[] found = new long[2];
            boolean eq = c.mem.cas16(va, c.r[InterpCpu.RAX], c.r[InterpCpu.RDX], c.r[InterpCpu.RBX],
                    c.r[InterpCpu.RCX], found);
            setZf(c, eq);
            if (!eq) {
                c.r[InterpCpu.RAX] = found[0];
                c.r[InterpCpu.RDX] = found[1];
            }
            return;
        }
        long expect = (c.r[InterpCpu.RDX] << 32) | (c.r[InterpCpu.RAX] & 0xFFFF_FFFFL);
        long update = (c.r[InterpCpu.RCX] << 32) | (c.r[InterpCpu.RBX] & 0xFFFF_FFFFL);
        c.mem.probeWrite(va, 8);
        long found = c.mem.cas(va, 8, expect, update);
        setZf(c, found == expect);
        if (found != expect) {
            c.r[InterpCpu.RAX] = found & 0xFFFF_FFFFL;
            c.r[InterpCpu.RDX] = found >>> 32;
        }
    }

    static void setZf(InterpCpu c, boolean zf) {
        long f = c.rflags() & Flags.ARITH & ~Flags.ZF;
        c.setEagerFlags(zf ? f | Flags.ZF : f);
    }
}
