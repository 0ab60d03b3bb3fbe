package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.nofault.BadAddressException;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.nofault.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Guest memory made of separate byte regions; everything else is unmapped. */
final class FakeUserMemory implements UserMemory {
    private final TreeMap<Long, byte[]> regions = new TreeMap<>();

    FakeUserMemory put(long addr, byte[] bytes) {
        regions.put(addr, bytes.clone());
        return this;
    }

    /** A NUL-terminated C string. */
    FakeUserMemory putString(long addr, String s) {
        byte[] text = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return put(addr, withNul);
    }

    /** Little-endian 64-bit words. */
    FakeUserMemory putLongs(long addr, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return put(addr, b.array());
    }

    @Override
    public byte[] peek(long addr, int length) {
        Map.Entry<Long, byte[]> region = regions.floorEntry(addr);
        if (region == null) {
            return new byte[0];
        }
        long offset = addr - region.getKey();
        byte[] data = region.getValue();
        if (offset >= data.length) {
            return new byte[0];
        }
        int n = (int) Math.min(length, data.length - offset);
        byte[] out = new byte[n];
        System.arraycopy(data, (int) offset, out, 0, n);
        return out;
    }

    @Override
    public byte[] read(long addr, int length) throws BadAddressException {
        byte[] data = peek(addr, length);
        if (data.length < length) {
            throw new BadAddressException(addr + data.length);
        }
        return data;
    }

    @Override
    public void read(long addr, byte[] dst, int off, int length) throws BadAddressException {
        System.arraycopy(read(addr, length), 0, dst, off, length);
    }

    @Override
    public void write(long addr, byte[] src, int off, int length) throws BadAddressException {
        Map.Entry<Long, byte[]> region = regions.floorEntry(addr);
        if (region == null || addr - region.getKey() + length > region.getValue().length) {
            throw new BadAddressException(addr);
        }
        System.arraycopy(src, off, region.getValue(), (int) (addr - region.getKey()), length);
    }

    @Override
    public long readLong(long addr) throws BadAddressException {
        return ByteBuffer.wrap(read(addr, Long.BYTES)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public int readInt(long addr) throws BadAddressException {
        return ByteBuffer.wrap(read(addr, Integer.BYTES)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Override
    public void writeLong(long addr, long value) throws BadAddressException {
        write(addr, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    @Override
    public void writeInt(long addr, int value) throws BadAddressException {
        write(addr, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    @Override
    public byte[] readCString(long addr, int max) throws BadAddressException, StringTooLongException {
        byte[] data = peek(addr, max + 1);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                return Arrays.copyOf(data, i);
            }
        }
        if (data.length > max) {
            throw new StringTooLongException();
        }
        throw new BadAddressException(addr + data.length);
    }
}
