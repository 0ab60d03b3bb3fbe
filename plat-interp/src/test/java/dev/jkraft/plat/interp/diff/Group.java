package dev.jkraft.plat.interp.diff;

import java.util.ArrayList;
import java.util.List;
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

    /** The groups {@code -Djkraft.diff.groups=A,B} names, or all. */
    static List<Group> selected() {
        String names = System.getProperty("jkraft.diff.groups");
        if (names == null || names.isBlank()) {
            return List.of(values());
        }
        List<Group> groups = new ArrayList<>();
        for (String n : names.split(",")) {
            groups.add(valueOf(n.trim().toUpperCase()));
        }
        return groups;
    }

    /** Case {@code index} of this group for {@code seed}: the same every time. */
    DiffCase generate(long seed, int index) {
        CaseBuilder b = new CaseBuilder(name(), seed, index);
        generator.accept(b);
        return b.build();
    }
}
