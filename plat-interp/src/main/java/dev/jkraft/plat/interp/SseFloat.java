package dev.jkraft.plat.interp;

/** Stand-in until the SSE floating-point work lands: handles nothing. */
final class SseFloat {
    private SseFloat() {}

    static boolean execute(InterpCpu c, Insn i) {
        return false;
    }
}
