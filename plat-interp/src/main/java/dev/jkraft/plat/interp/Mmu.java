package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One CPU's soft MMU: user-mode linear addresses through the kernel's four-level page tables in
 * guest RAM, with three direct-mapped TLBs (read, write, fetch). A miss walks the tables and
 * checks present, user, writable and no-execute at every level as the CPU does; a refusal is a
 * precise #PF (or #GP for a non-canonical address) thrown as {@link CpuFault}.
 *
 * <p>Memory order: aligned loads are acquire and aligned stores release, so that guest threads
 * on different Java threads see each other's stores in x86-TSO order on any host; LOCKed
 * operations are compare-and-exchange on guest RAM (see {@link #cas}). A page holding decoded
 * code never gets a write-TLB entry: every store to it takes the slow path, which drops the
 * page's decoded blocks ({@link CodeCache}).
 */
final class Mmu {
    private static final int BITS = 10;
    private static final int SIZE = 1 << BITS;
    private static final int MASK = SIZE - 1;
    static final int READ = 0;
    static final int WRITE = 1;
    static final int FETCH = 2;

    private static final long PRESENT = 1;
    private static final long WRITABLE = 2;
    private static final long USER = 4;
    private static final long NX = 1L << 63;
    private static final long ADDR = 0x000F_FFFF_FFFF_F000L;
    static final long USER_END = 0x0000_8000_0000_0000L;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final VarHandle I32 = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle I64 = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle I16 = ValueLayout.JAVA_SHORT.varHandle();

    private final MemorySegment ram;
    private final long ramSize;
    private final CodeCache code;
    private final long[] readTag = new long[SIZE];
    private final long[] readPage = new long[SIZE];
    private final long[] writeTag = new long[SIZE];
    private final long[] writePage = new long[SIZE];
    private final long[] fetchTag = new long[SIZE];
    private final long[] fetchPage = new long[SIZE];
    private long cr3;
    /** Set when a store hit a page with decoded code: the running block must stop after it. */
    boolean codeWritten;

    Mmu(MemorySegment ram, CodeCache code, long cr3) {
        this.ram = ram;
        this.ramSize = ram.byteSize();
        this.code = code;
        this.cr3 = cr3;
        flush();
    }

    void setCr3(long cr3) {
        this.cr3 = cr3;
        flush();
    }

    long cr3() {
        return cr3;
    }

    MemorySegment ram() {
        return ram;
    }

    /** Drops every cached translation. */
    void flush() {
        Arrays.fill(readTag, -1);
        Arrays.fill(writeTag, -1);
        Arrays.fill(fetchTag, -1);
    }

    /** Drops the write translations (a page became a code page somewhere). */
    void flushWrites() {
        Arrays.fill(writeTag, -1);
    }

    // ---- translation

    /** Guest physical address of {@code va} for a read. */
    long readAddress(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & MASK;
        if (readTag[i] == vpn) {
            return readPage[i] | (va & 0xFFF);
        }
        return fill(va, READ);
    }

    /** Guest physical address of {@code va} for a write; -1 when the page holds decoded code. */
    long writeAddress(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & MASK;
        if (writeTag[i] == vpn) {
            return writePage[i] | (va & 0xFFF);
        }
        return fill(va, WRITE);
    }

    /** Guest physical address of {@code va} for an instruction fetch. */
    long fetchAddress(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & MASK;
        if (fetchTag[i] == vpn) {
            return fetchPage[i] | (va & 0xFFF);
        }
        return fill(va, FETCH);
    }

    /**
     * Walks the page tables; caches the translation unless it is a write to a code page (then
     * returns the physical address with the sign bit set, so callers take the slow path).
     */
    private long fill(long va, int access) {
        long page = walk(va, access);
        long vpn = va >>> 12;
        int i = (int) vpn & MASK;
        switch (access) {
            case READ -> {
                readTag[i] = vpn;
                readPage[i] = page;
            }
            case WRITE -> {
                readTag[i] = vpn;
                readPage[i] = page;
                if (code.isCodePage(page)) {
                    return -1;
                }
                writeTag[i] = vpn;
                writePage[i] = page;
            }
            default -> {
                fetchTag[i] = vpn;
                fetchPage[i] = page;
            }
        }
        return page | (va & 0xFFF);
    }

    /** Physical page of {@code va} for {@code access}, or throws the fault the CPU would raise. */
    long walk(long va, int access) {
        if (va < 0 || va >= USER_END) {
            if ((va >> 47) != -1L && (va >> 47) != 0) {
                throw CpuFault.of(CpuFault.GP, 0); // non-canonical
            }
            throw CpuFault.pageFault(va, errorCode(access, false));
        }
        long table = cr3;
        boolean writable = true;
        boolean executable = true;
        for (int shift = 39; shift >= 12; shift -= 9) {
            long slot = table + ((va >>> shift) & 511) * 8;
            if (slot < 0 || slot + 8 > ramSize) {
                throw new InterpError("page table outside guest RAM at 0x" + Long.toHexString(slot));
            }
            long e = ram.get(ValueLayout.JAVA_LONG, slot);
            if ((e & PRESENT) == 0) {
                throw CpuFault.pageFault(va, errorCode(access, false));
            }
            if ((e & USER) == 0) {
                throw CpuFault.pageFault(va, errorCode(access, true));
            }
            writable &= (e & WRITABLE) != 0;
            executable &= (e & NX) == 0;
            table = e & ADDR;
        }
        if ((access == WRITE && !writable) || (access == FETCH && !executable)) {
            throw CpuFault.pageFault(va, errorCode(access, true));
        }
        if (table + 4096 > ramSize) {
            throw new InterpError("user page 0x" + Long.toHexString(va) + " maps to 0x" + Long.toHexString(table)
                    + ", outside guest RAM");
        }
        return table;
    }

    private static int errorCode(int access, boolean present) {
        return (present ? CpuFault.PF_PRESENT : 0) | CpuFault.PF_USER
                | (access == WRITE ? CpuFault.PF_WRITE : 0) | (access == FETCH ? CpuFault.PF_FETCH : 0);
    }

    // ---- loads (zero-extended)

    int read8(long va) {
        return ram.get(ValueLayout.JAVA_BYTE, readAddress(va)) & 0xFF;
    }

    int read16(long va) {
        if ((va & 0xFFF) > 4094) {
            return (int) readSplit(va, 2);
        }
        long pa = readAddress(va);
        return ((pa & 1) == 0 ? (short) I16.getAcquire(ram, pa) : ram.get(U16, pa)) & 0xFFFF;
    }

    int read32(long va) {
        if ((va & 0xFFF) > 4092) {
            return (int) readSplit(va, 4);
        }
        long pa = readAddress(va);
        return (pa & 3) == 0 ? (int) I32.getAcquire(ram, pa) : ram.get(U32, pa);
    }

    long read64(long va) {
        if ((va & 0xFFF) > 4088) {
            return readSplit(va, 8);
        }
        long pa = readAddress(va);
        return (pa & 7) == 0 ? (long) I64.getAcquire(ram, pa) : ram.get(U64, pa);
    }

    /** A load of 1, 2, 4 or 8 bytes, zero-extended. */
    long read(long va, int size) {
        return switch (size) {
            case 1 -> read8(va);
            case 2 -> read16(va);
            case 4 -> read32(va) & 0xFFFF_FFFFL;
            default -> read64(va);
        };
    }

    private long readSplit(long va, int size) {
        // Both pages are checked before anything is read, so a fault is precise.
        long first = readAddress(va);
        long second = readAddress((va | 0xFFF) + 1);
        long v = 0;
        for (int k = 0; k < size; k++) {
            long a = va + k;
            long pa = ((a & ~0xFFFL) == (va & ~0xFFFL) ? first & ~0xFFFL : second & ~0xFFFL) | (a & 0xFFF);
            v |= (ram.get(ValueLayout.JAVA_BYTE, pa) & 0xFFL) << (8 * k);
        }
        return v;
    }

    // ---- stores

    void write8(long va, int value) {
        long pa = writeAddress(va);
        if (pa < 0) {
            writeSlow(va, 1, value);
            return;
        }
        ram.set(ValueLayout.JAVA_BYTE, pa, (byte) value);
    }

    void write16(long va, int value) {
        long pa;
        if ((va & 0xFFF) > 4094 || (pa = writeAddress(va)) < 0) {
            writeSlow(va, 2, value);
            return;
        }
        if ((pa & 1) == 0) {
            I16.setRelease(ram, pa, (short) value);
        } else {
            ram.set(U16, pa, (short) value);
        }
    }

    void write32(long va, int value) {
        long pa;
        if ((va & 0xFFF) > 4092 || (pa = writeAddress(va)) < 0) {
            writeSlow(va, 4, value);
            return;
        }
        if ((pa & 3) == 0) {
            I32.setRelease(ram, pa, value);
        } else {
            ram.set(U32, pa, value);
        }
    }

    void write64(long va, long value) {
        long pa;
        if ((va & 0xFFF) > 4088 || (pa = writeAddress(va)) < 0) {
            writeSlow(va, 8, value);
            return;
        }
        if ((pa & 7) == 0) {
            I64.setRelease(ram, pa, value);
        } else {
            ram.set(U64, pa, value);
        }
    }

    /** A store of the low {@code size} (1, 2, 4, 8) bytes of {@code value}. */
    void write(long va, int size, long value) {
        switch (size) {
            case 1 -> write8(va, (int) value);
            case 2 -> write16(va, (int) value);
            case 4 -> write32(va, (int) value);
            default -> write64(va, value);
        }
    }

    /**
     * Faults now, as a store would, unless all of {@code [va, va+len)} is writable: lets an
     * instruction that stores several pieces (fxsave, a 10-byte fstp, a 16-byte movups) check
     * first and then store without a fault half way.
     */
    void probeWrite(long va, int len) {
        long first = va & ~0xFFFL;
        long last = (va + len - 1) & ~0xFFFL;
        for (long p = first; ; p += 4096) {
            long a = p == first ? va : p;
            long vpn = a >>> 12;
            if (writeTag[(int) vpn & MASK] != vpn) {
                fill(a, WRITE);
            }
            if (p == last) {
                break;
            }
        }
    }

    /** Faults now, as a load would, unless all of {@code [va, va+len)} is readable. */
    void probeRead(long va, int len) {
        long first = va & ~0xFFFL;
        long last = (va + len - 1) & ~0xFFFL;
        for (long p = first; ; p += 4096) {
            readAddress(p == first ? va : p);
            if (p == last) {
                break;
            }
        }
    }

    /** A store that crosses a page or lands on a code page: checked whole, then byte by byte. */
    private void writeSlow(long va, int size, long value) {
        long firstPage = walk(va, WRITE);
        long lastVa = va + size - 1;
        long secondPage = (lastVa & ~0xFFFL) != (va & ~0xFFFL) ? walk(lastVa & ~0xFFFL, WRITE) : firstPage;
        for (long page : new long[] {firstPage, secondPage}) {
            if (code.isCodePage(page)) {
                code.invalidatePage(page);
                codeWritten = true;
            }
        }
        for (int k = 0; k < size; k++) {
            long a = va + k;
            long pa = ((a & ~0xFFFL) == (va & ~0xFFFL) ? firstPage : secondPage) | (a & 0xFFF);
            ram.set(ValueLayout.JAVA_BYTE, pa, (byte) (value >>> (8 * k)));
        }
    }

    // ---- LOCKed operations

    /**
     * Atomically replaces the {@code size}-byte value at {@code va} with {@code update} if it is
     * {@code expected}; returns the value found (zero-extended). Aligned 4- and 8-byte values use
     * the host's compare-and-exchange; bytes and words use it on the aligned word around them; a
     * value split across words or pages (a "split lock") is done under one machine-wide lock.
     */
    long cas(long va, int size, long expected, long update) {
        long pa = writeAddress(va);
        if (pa < 0 || (va & 0xFFF) > 4096 - size) {
            return casSlow(va, size, expected, update);
        }
        switch (size) {
            case 8 -> {
                if ((pa & 7) == 0) {
                    return (long) I64.compareAndExchange(ram, pa, expected, update);
                }
            }
            case 4 -> {
                if ((pa & 3) == 0) {
                    return (int) I32.compareAndExchange(ram, pa, (int) expected, (int) update) & 0xFFFF_FFFFL;
                }
            }
            default -> {
                long word = pa & ~3L;
                int shift = (int) (pa - word) * 8;
                if (shift + size * 8 <= 32) {
                    int mask = (size == 1 ? 0xFF : 0xFFFF) << shift;
                    for (;;) {
                        int old = (int) I32.getVolatile(ram, word);
                        long found = (old & mask) >>> shift;
                        if (found != expected) {
                            return found;
                        }
                        int next = (old & ~mask) | (((int) update << shift) & mask);
                        if ((int) I32.compareAndExchange(ram, word, old, next) == old) {
                            return found;
                        }
                    }
                }
            }
        }
        return casSlow(va, size, expected, update);
    }

    private static final Object SPLIT_LOCK = new Object();

    private long casSlow(long va, int size, long expected, long update) {
        synchronized (SPLIT_LOCK) {
            long found = read(va, size);
            if (found == expected) {
                write(va, size, update);
            }
            VarHandle.fullFence();
            return found;
        }
    }

    /** A 16-byte compare-and-exchange (cmpxchg16b), under the machine-wide lock: Java has no 128-bit CAS. */
    boolean cas16(long va, long expectLo, long expectHi, long newLo, long newHi, long[] found) {
        synchronized (SPLIT_LOCK) {
            probeWrite(va, 16);
            long lo = read64(va);
            long hi = read64(va + 8);
            found[0] = lo;
            found[1] = hi;
            boolean equal = lo == expectLo && hi == expectHi;
            if (equal) {
                write64(va, newLo);
                write64(va + 8, newHi);
            } else {
                // The CPU writes the old value back, so the store side faults as it would.
                write64(va, lo);
                write64(va + 8, hi);
            }
            VarHandle.fullFence();
            return equal;
        }
    }
}
