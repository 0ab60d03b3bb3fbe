package dev.jkraft.kernel.nofault;

import dev.jkraft.kernel.vmem.AddressSpace;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link UserMemory} over an {@link AddressSpace}: every page of an access is translated (and
 * faulted in if its VMA allows) before a byte moves, so an access that runs from a mapped page
 * into an unmapped one fails at the boundary with EFAULT.
 */
public final class GuestMemory implements UserMemory {
    private static final long PAGE = AddressSpace.PAGE;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final AddressSpace space;
    private final MemorySegment ram;

    public GuestMemory(AddressSpace space, MemorySegment ram) {
        this.space = space;
        this.ram = ram;
    }

    private long physical(long va, boolean write) throws BadAddressException {
        if (va < 0 || va >= AddressSpace.TASK_SIZE) {
            throw new BadAddressException(va);
        }
        long pa = space.translateForKernel(va, write);
        if (pa < 0) {
            throw new BadAddressException(va);
        }
        return pa;
    }

    @Override
    public byte[] read(long addr, int length) throws BadAddressException {
        checkRange(addr, length);
        // Translate every page first, so a claimed length that is not there costs no allocation.
        for (long va = addr & ~(PAGE - 1); va < addr + length; va += PAGE) {
            physical(va, false);
        }
        byte[] b = new byte[length];
        read(addr, b, 0, length);
        return b;
    }

    @Override
    public void read(long addr, byte[] dst, int off, int length) throws BadAddressException {
        checkRange(addr, length);
        int done = 0;
        while (done < length) {
            long va = addr + done;
            int chunk = (int) Math.min(PAGE - (va & (PAGE - 1)), length - done);
            long pa = physical(va, false);
            MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, pa, dst, off + done, chunk);
            done += chunk;
        }
    }

    @Override
    public void write(long addr, byte[] src, int off, int length) throws BadAddressException {
        checkRange(addr, length);
        int done = 0;
        while (done < length) {
            long va = addr + done;
            int chunk = (int) Math.min(PAGE - (va & (PAGE - 1)), length - done);
            long pa = physical(va, true);
            MemorySegment.copy(src, off + done, ram, ValueLayout.JAVA_BYTE, pa, chunk);
            done += chunk;
        }
    }

    @Override
    public java.util.List<MemorySegment> segments(long addr, int length, boolean write) throws BadAddressException {
        checkRange(addr, length);
        java.util.List<MemorySegment> out = new java.util.ArrayList<>();
        long runStart = -1;
        long runLength = 0;
        int done = 0;
        while (done < length) {
            long va = addr + done;
            int chunk = (int) Math.min(PAGE - (va & (PAGE - 1)), length - done);
            long pa;
            try {
                pa = physical(va, write);
            } catch (BadAddressException e) {
                if (done == 0) {
                    throw e;
                }
                break;
            }
            if (runStart >= 0 && runStart + runLength == pa) {
                runLength += chunk;
            } else {
                if (runStart >= 0) {
                    out.add(ram.asSlice(runStart, runLength));
                }
                runStart = pa;
                runLength = chunk;
            }
            done += chunk;
        }
        if (runStart >= 0) {
            out.add(ram.asSlice(runStart, runLength));
        }
        return out;
    }

    @Override
    public long readLong(long addr) throws BadAddressException {
        if ((addr & (PAGE - 1)) <= PAGE - 8) {
            return ram.get(LONG, physical(addr, false));
        }
        byte[] b = read(addr, 8);
        return MemorySegment.ofArray(b).get(LONG, 0);
    }

    private static final java.lang.invoke.VarHandle INT_HANDLE = java.lang.foreign.ValueLayout.JAVA_INT.varHandle();

    @Override
    public int compareAndExchangeInt(long addr, int expected, int value) throws BadAddressException {
        if ((addr & 3) != 0) {
            throw new BadAddressException(addr);
        }
        return (int) INT_HANDLE.compareAndExchange(ram, physical(addr, true), expected, value);
    }

    @Override
    public int readInt(long addr) throws BadAddressException {
        if ((addr & (PAGE - 1)) <= PAGE - 4) {
            return ram.get(INT, physical(addr, false));
        }
        byte[] b = read(addr, 4);
        return MemorySegment.ofArray(b).get(INT, 0);
    }

    @Override
    public void writeLong(long addr, long value) throws BadAddressException {
        if ((addr & (PAGE - 1)) <= PAGE - 8) {
            ram.set(LONG, physical(addr, true), value);
            return;
        }
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(LONG, 0, value);
        write(addr, b);
    }

    @Override
    public void writeInt(long addr, int value) throws BadAddressException {
        if ((addr & (PAGE - 1)) <= PAGE - 4) {
            ram.set(INT, physical(addr, true), value);
            return;
        }
        byte[] b = new byte[4];
        MemorySegment.ofArray(b).set(INT, 0, value);
        write(addr, b);
    }

    @Override
    public byte[] readCString(long addr, int max) throws BadAddressException, StringTooLongException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        long va = addr;
        while (true) {
            long pa = physical(va, false);
            int inPage = (int) (PAGE - (va & (PAGE - 1)));
            for (int i = 0; i < inPage; i++) {
                byte c = ram.get(ValueLayout.JAVA_BYTE, pa + i);
                if (c == 0) {
                    return out.toByteArray();
                }
                if (out.size() >= max) {
                    throw new StringTooLongException();
                }
                out.write(c);
            }
            va += inPage;
        }
    }

    @Override
    public byte[] peek(long addr, int length) {
        if (length <= 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, 4096));
        long va = addr;
        while (out.size() < length) {
            long pa;
            try {
                pa = physical(va, false);
            } catch (BadAddressException e) {
                break;
            }
            int chunk = (int) Math.min(PAGE - (va & (PAGE - 1)), length - out.size());
            byte[] b = new byte[chunk];
            MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, pa, b, 0, chunk);
            out.write(b, 0, chunk);
            va += chunk;
        }
        return out.toByteArray();
    }

    private static void checkRange(long addr, int length) throws BadAddressException {
        if (length < 0 || addr < 0 || addr + length < addr || addr + length > AddressSpace.TASK_SIZE) {
            throw new BadAddressException(addr);
        }
    }
}
