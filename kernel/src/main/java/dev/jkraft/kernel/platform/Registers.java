package dev.jkraft.kernel.platform;

/** Live access to a CPU's user registers; see {@link Cpu#regs()}. */
public interface Registers {
    long get(Reg r);

    void set(Reg r, long value);

    default CpuState snapshot() {
        long[] v = new long[Reg.values().length];
        for (Reg r : Reg.values()) {
            v[r.ordinal()] = get(r);
        }
        return new CpuState(v, 0);
    }
}
