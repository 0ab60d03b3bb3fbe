package dev.jkraft.plat.interp.diff;

import java.util.function.Consumer;

/** The instruction groups the differential test covers, each with its case generator. */
enum Group {
    ALU(IntegerOps::alu),
    UNARY(IntegerOps::unary),
    MULDIV(IntegerOps::mulDiv),
    SHIFT(IntegerOps::shifts),
    BITTEST(BitOps::bitTest),
    BITSCAN(BitOps::bitScan),
    COND(FlowOps::conditions),
    MOVE(MoveOps::moves),
    STACK(MoveOps::stack),
    STRING(StringOps::strings),
    ATOMIC(AtomicOps::atomics),
    FLAGS(FlowOps::flags),
    FAULT(FaultOps::faults),
    X87(X87Ops::x87),
    SSE_FP(SseOps::floatingPoint),
    SSE_CVT(SseOps::conversions),
    SSE_INT(SseOps::integer),
    SSE_MOVE(SseOps::moves);

    private final Consumer<CaseBuilder> generator;

    Group(Consumer<CaseBuilder> generator) {
        this.generator = generator;
    }

    /** Case {@code index} of this group for {@code seed}: the same every time. */
    DiffCase generate(long seed, int index) {
        CaseBuilder b = new CaseBuilder(name(), seed, index);
        generator.accept(b);
        return b.build();
    }
}
