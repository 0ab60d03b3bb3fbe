package dev.jkraft.kernel.platform;

import java.util.Arrays;

/**
 * A user-mode register snapshot, indexed by {@link Reg#ordinal()}, plus the page-table root.
 *
 * @param values one value per {@link Reg}
 * @param cr3 guest physical address of the PML4
 */
public record CpuState(long[] values, long cr3) {
    public CpuState {
        if (values.length != Reg.values().length) {
            throw new IllegalArgumentException("need " + Reg.values().length + " registers");
        }
        values = values.clone();
    }

    /** The state a new program starts in: everything zero but rip, rsp, rflags (IF set as Linux does). */
    public static CpuState initial(long rip, long rsp, long cr3) {
        long[] v = new long[Reg.values().length];
        v[Reg.RIP.ordinal()] = rip;
        v[Reg.RSP.ordinal()] = rsp;
        v[Reg.RFLAGS.ordinal()] = 0x202;
        return new CpuState(v, cr3);
    }

    public long get(Reg r) {
        return values[r.ordinal()];
    }

    public CpuState with(Reg r, long value) {
        long[] v = values.clone();
        v[r.ordinal()] = value;
        return new CpuState(v, cr3);
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuState s && s.cr3 == cr3 && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + Long.hashCode(cr3);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("CpuState[");
        for (Reg r : Reg.values()) {
            b.append(r.name().toLowerCase()).append('=').append(Long.toHexString(values[r.ordinal()])).append(' ');
        }
        return b.append("cr3=").append(Long.toHexString(cr3)).append(']').toString();
    }
}
