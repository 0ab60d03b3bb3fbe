package dev.jkraft.kernel.abi;

/**
 * The strace rendering of the {@link Mman} constants, and the madvise(2) advice values
 * {@link Mman} does not list (asm-generic/mman-common.h).
 */
public final class MmanFlags {
    private MmanFlags() {}

    public static final int PROT_SEM = 0x8;

    public static final int MADV_REMOVE = 9;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_DOFORK = 11;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_UNMERGEABLE = 13;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_DONTDUMP = 16;
    public static final int MADV_DODUMP = 17;
    public static final int MADV_WIPEONFORK = 18;
    public static final int MADV_KEEPONFORK = 19;
    public static final int MADV_COLD = 20;
    public static final int MADV_PAGEOUT = 21;
    public static final int MADV_POPULATE_READ = 22;
    public static final int MADV_POPULATE_WRITE = 23;
    public static final int MADV_DONTNEED_LOCKED = 24;
    public static final int MADV_COLLAPSE = 25;
    public static final int MADV_HWPOISON = 100;
    public static final int MADV_SOFT_OFFLINE = 101;
    public static final int MADV_GUARD_INSTALL = 102;
    public static final int MADV_GUARD_REMOVE = 103;

    private static final ConstantNames PROT = ConstantNames.builder()
            .add(Mman.PROT_NONE, "PROT_NONE")
            .add(Mman.PROT_READ, "PROT_READ")
            .add(Mman.PROT_WRITE, "PROT_WRITE")
            .add(Mman.PROT_EXEC, "PROT_EXEC")
            .add(PROT_SEM, "PROT_SEM")
            .add(Mman.PROT_GROWSDOWN, "PROT_GROWSDOWN")
            .add(Mman.PROT_GROWSUP, "PROT_GROWSUP")
            .build();

    private static final ConstantNames MAP_TYPES = ConstantNames.builder()
            .add(Mman.MAP_SHARED, "MAP_SHARED")
            .add(Mman.MAP_PRIVATE, "MAP_PRIVATE")
            .add(Mman.MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE")
            .build();

    private static final ConstantNames MAP_FLAGS = ConstantNames.builder()
            .add(Mman.MAP_FIXED, "MAP_FIXED")
            .add(Mman.MAP_ANONYMOUS, "MAP_ANONYMOUS")
            .add(Mman.MAP_32BIT, "MAP_32BIT")
            .add(Mman.MAP_GROWSDOWN, "MAP_GROWSDOWN")
            .add(Mman.MAP_DENYWRITE, "MAP_DENYWRITE")
            .add(Mman.MAP_EXECUTABLE, "MAP_EXECUTABLE")
            .add(Mman.MAP_LOCKED, "MAP_LOCKED")
            .add(Mman.MAP_NORESERVE, "MAP_NORESERVE")
            .add(Mman.MAP_POPULATE, "MAP_POPULATE")
            .add(Mman.MAP_NONBLOCK, "MAP_NONBLOCK")
            .add(Mman.MAP_STACK, "MAP_STACK")
            .add(Mman.MAP_HUGETLB, "MAP_HUGETLB")
            .add(Mman.MAP_SYNC, "MAP_SYNC")
            .add(Mman.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE")
            .add(Mman.MAP_UNINITIALIZED, "MAP_UNINITIALIZED")
            .build();

    private static final ConstantNames MREMAP = ConstantNames.builder()
            .add(Mman.MREMAP_MAYMOVE, "MREMAP_MAYMOVE")
            .add(Mman.MREMAP_FIXED, "MREMAP_FIXED")
            .add(Mman.MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP")
            .build();

    private static final ConstantNames ADVICE = ConstantNames.builder()
            .add(Mman.MADV_NORMAL, "MADV_NORMAL").add(Mman.MADV_RANDOM, "MADV_RANDOM")
            .add(Mman.MADV_SEQUENTIAL, "MADV_SEQUENTIAL").add(Mman.MADV_WILLNEED, "MADV_WILLNEED")
            .add(Mman.MADV_DONTNEED, "MADV_DONTNEED").add(Mman.MADV_FREE, "MADV_FREE")
            .add(MADV_REMOVE, "MADV_REMOVE").add(MADV_DONTFORK, "MADV_DONTFORK")
            .add(MADV_DOFORK, "MADV_DOFORK").add(MADV_MERGEABLE, "MADV_MERGEABLE")
            .add(MADV_UNMERGEABLE, "MADV_UNMERGEABLE").add(MADV_HUGEPAGE, "MADV_HUGEPAGE")
            .add(MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE").add(MADV_DONTDUMP, "MADV_DONTDUMP")
            .add(MADV_DODUMP, "MADV_DODUMP").add(MADV_WIPEONFORK, "MADV_WIPEONFORK")
            .add(MADV_KEEPONFORK, "MADV_KEEPONFORK").add(MADV_COLD, "MADV_COLD")
            .add(MADV_PAGEOUT, "MADV_PAGEOUT").add(MADV_POPULATE_READ, "MADV_POPULATE_READ")
            .add(MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE").add(MADV_DONTNEED_LOCKED, "MADV_DONTNEED_LOCKED")
            .add(MADV_COLLAPSE, "MADV_COLLAPSE").add(MADV_HWPOISON, "MADV_HWPOISON")
            .add(MADV_SOFT_OFFLINE, "MADV_SOFT_OFFLINE").add(MADV_GUARD_INSTALL, "MADV_GUARD_INSTALL")
            .add(MADV_GUARD_REMOVE, "MADV_GUARD_REMOVE")
            .build();

    /** Protection bits: {@code PROT_READ|PROT_WRITE}, or {@code PROT_NONE}. */
    public static String formatProt(int prot) {
        return PROT.flags(Integer.toUnsignedLong(prot), "PROT_???");
    }

    /** mmap(2) flags: the mapping type first, {@code MAP_PRIVATE|MAP_ANONYMOUS}. */
    public static String formatMap(int flags) {
        long type = flags & Mman.MAP_TYPE;
        long rest = Integer.toUnsignedLong(flags & ~Mman.MAP_TYPE);
        StringBuilder out = new StringBuilder();
        if (type != 0) {
            String name = MAP_TYPES.nameOf(type);
            out.append(name != null ? name : ConstantNames.hex(type) + " /* MAP_??? */");
        }
        rest = MAP_FLAGS.appendFlags(out, rest);
        if (rest != 0) {
            out.append(out.isEmpty() ? "" : "|").append(ConstantNames.hex(rest));
        }
        return out.isEmpty() ? "0" : out.toString();
    }

    /** mremap(2) flags: {@code MREMAP_MAYMOVE}, or {@code 0}. */
    public static String formatMremap(int flags) {
        return MREMAP.flags(Integer.toUnsignedLong(flags), "MREMAP_???");
    }

    /** madvise(2) advice: {@code MADV_DONTNEED}, or its hex with an {@code MADV_???} comment. */
    public static String formatAdvice(int advice) {
        return ADVICE.value(Integer.toUnsignedLong(advice), "MADV_???");
    }
}
