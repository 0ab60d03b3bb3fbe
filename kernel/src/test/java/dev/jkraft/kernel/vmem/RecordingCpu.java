package dev.jkraft.kernel.vmem;

import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Registers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A CPU that runs nothing and remembers every {@link Cpu#invalidate} it was sent. */
public final class RecordingCpu implements Cpu {
    /** One array per invalidate call, copied: the caller may reuse its own. */
    final List<long[]> invalidations = new ArrayList<>();

    /** Every entry address received so far, in order. */
    List<Long> entries() {
        return invalidations.stream().flatMap(a -> Arrays.stream(a).boxed()).toList();
    }

    @Override
    public void invalidate(long[] changedEntries, int count) {
        invalidations.add(Arrays.copyOf(changedEntries, count));
    }

    @Override
    public Exit run() {
        throw new UnsupportedOperationException("a recording CPU runs no guest code");
    }

    @Override
    public Registers regs() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CpuState state() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void kick() {}

    /** How many times another thread waited for this CPU to drop stale translations. */
    int syncs;

    @Override
    public void syncTranslations() {
        syncs++;
    }

    @Override
    public byte[] fpuState() {
        return new byte[576];
    }

    @Override
    public boolean setFpuState(byte[] image) {
        return true;
    }

    @Override
    public int fpuStateSize() {
        return 576;
    }

    @Override
    public long fpuFeatures() {
        return 3;
    }

    @Override
    public int id() {
        return 0;
    }

    @Override
    public void close() {}
}
