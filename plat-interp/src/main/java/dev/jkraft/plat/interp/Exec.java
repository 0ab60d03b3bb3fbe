package dev.jkraft.plat.interp;

/** Executes one decoded instruction. */
final class Exec {
    private Exec() {}

    static void execute(InterpCpu c, Insn i) {
        throw CpuFault.undefined();
    }
}
