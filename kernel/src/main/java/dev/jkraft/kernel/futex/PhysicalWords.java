package dev.jkraft.kernel.futex;

import dev.jkraft.kernel.nofault.BadAddressException;
import dev.jkraft.kernel.nofault.UserMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Guest RAM addressed by physical address, for the futexes processes share (a futex in a
 * MAP_SHARED mapping is keyed by its page, not by the address each process sees it at, as
 * Linux's shared futex keys are). Only the words the futex calls touch are read or written.
 */
public final class PhysicalWords implements UserMemory {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ram;

    public PhysicalWords(MemorySegment ram) {
        this.ram = ram;
    }

    @Override
    public int readInt(long addr) throws BadAddressException {
        return (int) INT.getVolatile(ram, check(addr, 4));
    }

    @Override
    public void writeInt(long addr, int value) throws BadAddressException {
        INT.setVolatile(ram, check(addr, 4), value);
    }

    @Override
    public int compareAndExchangeInt(long addr, int expected, int value) throws BadAddressException {
        return (int) INT.compareAndExchange(ram, check(addr, 4), expected, value);
    }

    @Override
    public long readLong(long addr) throws BadAddressException {
        return ram.get(ValueLayout.JAVA_LONG_UNALIGNED, check(addr, 8));
    }

    @Override
    public void writeLong(long addr, long value) throws BadAddressException {
        ram.set(ValueLayout.JAVA_LONG_UNALIGNED, check(addr, 8), value);
    }

    @Override
    public byte[] read(long addr, int length) throws BadAddressException {
        return ram.asSlice(check(addr, length), length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void read(long addr, byte[] dst, int off, int length) throws BadAddressException {
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, check(addr, length), dst, off, length);
    }

    @Override
    public void write(long addr, byte[] src, int off, int length) throws BadAddressException {
        MemorySegment.copy(src, off, ram, ValueLayout.JAVA_BYTE, check(addr, length), length);
    }

    @Override
    public byte[] readCString(long addr, int max) throws BadAddressException {
        throw new BadAddressException(addr);
    }

    @Override
    public byte[] peek(long addr, int length) {
        return new byte[0];
    }

    private long check(long addr, int length) throws BadAddressException {
        if (addr < 0 || addr + length > ram.byteSize()) {
            throw new BadAddressException(addr);
        }
        return addr;
    }
}
