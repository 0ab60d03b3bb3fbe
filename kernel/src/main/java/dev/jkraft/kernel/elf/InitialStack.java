package dev.jkraft.kernel.elf;

import dev.jkraft.kernel.abi.Auxv;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a new process's initial stack byte for byte as Linux x86-64 does: the strings as
 * fs/exec.c copies them at execve time, then the tables create_elf_tables() in fs/binfmt_elf.c
 * puts below them. From the top down:
 *
 * <pre>
 *   stackTop - 8     8 zero bytes (bprm->p starts at vm_end - sizeof(void *))
 *                    execfn string (AT_EXECFN), then envp strings, then argv strings,
 *                    each list in order upwards, so argv[0] is the lowest string
 *                    padding down to 16 bytes (arch_align_stack)
 *                    platform string "x86_64" (AT_PLATFORM)
 *                    16 random bytes (AT_RANDOM)
 *                    padding so that sp is 16-byte aligned (STACK_ROUND)
 *   auxv             (type, value) pairs, ending with AT_NULL, 0
 *   envp             pointers, NULL
 *   argv             pointers, NULL
 *   sp               argc
 * </pre>
 *
 * Unlike Linux we do not subtract a random amount in arch_align_stack: the layout is
 * deterministic, and a caller that wants stack randomisation picks a random stack top.
 */
public final class InitialStack {
    /** MAX_ARG_STRLEN: the longest argument or environment string, NUL included (32 pages). */
    public static final int MAX_ARG_STRLEN = 32 * 4096;

    /**
     * Default room for strings plus argv/envp pointers: a quarter of the default 8 MiB stack
     * rlimit, as bprm_stack_limits() computes it (min(6 MiB, rlimit / 4)).
     */
    public static final long DEFAULT_MAX_BYTES = 2L * 1024 * 1024;

    /** One auxiliary vector entry, {@code type} from {@link Auxv}. */
    public record AuxEntry(long type, long value) {}

    private InitialStack() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the inputs; {@link #build()} lays them out. */
    public static final class Builder {
        private long stackTop = -1;
        private int alignShift;
        private final List<byte[]> argv = new ArrayList<>();
        private final List<byte[]> envp = new ArrayList<>();
        private byte[] execfn;
        private byte[] platform = "x86_64".getBytes(StandardCharsets.US_ASCII);
        private byte[] random;
        private final List<AuxEntry> aux = new ArrayList<>();
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder() {}

        /** Exclusive end of the stack mapping; page aligned. */
        /**
         * The random shift arch_align_stack applies below the strings when the address space is
         * randomized, 0..8191 bytes (default 0: no randomization).
         */
        public Builder alignShift(int bytes) {
            if (bytes < 0 || bytes >= 8192) {
                throw new IllegalArgumentException("align shift " + bytes + " not in 0..8191");
            }
            this.alignShift = bytes;
            return this;
        }

        public Builder stackTop(long stackTop) {
            if (stackTop <= 0 || (stackTop & (Elf64.PAGE_SIZE - 1)) != 0) {
                throw new IllegalArgumentException("stack top 0x" + Long.toHexString(stackTop)
                        + " is not a positive page-aligned address");
            }
            this.stackTop = stackTop;
            return this;
        }

        /** Argument strings, encoded as UTF-8. */
        public Builder argv(List<String> args) {
            addStrings(argv, args, "argv");
            return this;
        }

        /** Environment strings, encoded as UTF-8. */
        public Builder envp(List<String> env) {
            addStrings(envp, env, "envp");
            return this;
        }

        /** Argument strings as raw bytes without their NULs, as execve(2) reads them from memory. */
        public Builder argvBytes(List<byte[]> args) {
            addBytes(argv, args, "argv");
            return this;
        }

        /** Environment strings as raw bytes without their NULs. */
        public Builder envpBytes(List<byte[]> env) {
            addBytes(envp, env, "envp");
            return this;
        }

        /** The path given to execve(2) (bprm->filename), pointed to by AT_EXECFN. */
        public Builder execfn(String path) {
            this.execfn = checked(encode(path, "execfn"), "execfn");
            return this;
        }

        /** The platform string for AT_PLATFORM, "x86_64" by default; null to place none. */
        public Builder platform(String platform) {
            this.platform = platform == null ? null : checked(encode(platform, "platform"), "platform");
            return this;
        }

        /** The 16 bytes AT_RANDOM points to (glibc seeds the stack protector and pointer guard). */
        public Builder random(byte[] bytes) {
            if (bytes == null || bytes.length != 16) {
                throw new IllegalArgumentException("AT_RANDOM needs exactly 16 bytes");
            }
            this.random = bytes.clone();
            return this;
        }

        /**
         * Appends an auxv entry. The values of AT_RANDOM, AT_EXECFN and AT_PLATFORM are replaced
         * by the addresses where the builder puts those items; AT_NULL is appended by the builder.
         */
        public Builder aux(long type, long value) {
            if (type == Auxv.AT_NULL) {
                throw new IllegalArgumentException("AT_NULL ends the vector and is added by the builder");
            }
            aux.add(new AuxEntry(type, value));
            return this;
        }

        public Builder aux(List<AuxEntry> entries) {
            for (AuxEntry e : entries) {
                aux(e.type(), e.value());
            }
            return this;
        }

        /** Limit on strings plus argv/envp pointers; exceeding it is E2BIG. */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Lays out the stack.
         *
         * @throws SyscallException E2BIG if a string is longer than {@link #MAX_ARG_STRLEN} or
         *     everything together does not fit in {@code maxBytes}, as execve(2) fails
         */
        public StackImage build() throws SyscallException {
            if (stackTop < 0 || execfn == null || random == null) {
                throw new IllegalArgumentException("stackTop, execfn and random must be set");
            }
            for (AuxEntry e : aux) {
                if (e.type() == Auxv.AT_PLATFORM && platform == null) {
                    throw new IllegalArgumentException("AT_PLATFORM requested but no platform string set");
                }
            }
            return InitialStack.layout(this);
        }

        private static void addStrings(List<byte[]> to, List<String> from, String what) {
            for (int i = 0; i < from.size(); i++) {
                to.add(checked(encode(from.get(i), what + "[" + i + "]"), what + "[" + i + "]"));
            }
        }

        private static void addBytes(List<byte[]> to, List<byte[]> from, String what) {
            for (int i = 0; i < from.size(); i++) {
                byte[] s = from.get(i);
                if (s == null) {
                    throw new IllegalArgumentException(what + "[" + i + "] is null");
                }
                to.add(checked(s.clone(), what + "[" + i + "]"));
            }
        }

        private static byte[] encode(String s, String what) {
            if (s == null) {
                throw new IllegalArgumentException(what + " is null");
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }

        /** A C string cannot hold a NUL: the guest would see it cut short. */
        private static byte[] checked(byte[] s, String what) {
            for (byte b : s) {
                if (b == 0) {
                    throw new IllegalArgumentException(what + " contains a NUL byte");
                }
            }
            return s;
        }
    }

    private static StackImage layout(Builder b) throws SyscallException {
        List<byte[]> argv = b.argv;
        if (argv.isEmpty()) {
            // Since Linux 5.18 an empty argv gets "" as argv[0], so that programs which start at
            // argv[1] do not walk into envp (do_execveat_common()).
            argv = List.of(new byte[0]);
        }
        int argc = argv.size();
        int envc = b.envp.size();
        checkLimits(b, argv);

        // fs/exec.c: bprm->p starts one pointer below the top; filename, envp, then argv are
        // copied downwards, each list from its last string to its first.
        long p = b.stackTop - 8;
        p -= b.execfn.length + 1;
        long execfnAddr = p;
        long[] envAddr = new long[envc];
        for (int i = envc - 1; i >= 0; i--) {
            p -= b.envp.get(i).length + 1;
            envAddr[i] = p;
        }
        long envEnd = execfnAddr;
        long argEnd = envc > 0 ? envAddr[0] : envEnd;
        long[] argAddr = new long[argc];
        for (int i = argc - 1; i >= 0; i--) {
            p -= argv.get(i).length + 1;
            argAddr[i] = p;
        }
        long argStart = p;

        // create_elf_tables(): p = arch_align_stack(p) (less a random 0..8191 bytes when the
        // layout is randomized), then the platform string, then the random bytes, each allocated
        // downwards (STACK_ALLOC) without further alignment.
        p = (p - b.alignShift) & -16L;
        long platformAddr = 0;
        if (b.platform != null) {
            p -= b.platform.length + 1;
            platformAddr = p;
        }
        p -= 16;
        long randomAddr = p;

        // ei_index auxv words, then items = argc + argv NULL + envp + NULL + argc itself, and
        // STACK_ROUND() rounds the result down to 16 bytes.
        int auxWords = 2 * (b.aux.size() + 1);
        long items = (argc + 1L) + (envc + 1L) + 1;
        long sp = (p - (auxWords + items) * 8) & -16L;
        long size = b.stackTop - sp;
        if (sp <= 0 || size > Integer.MAX_VALUE) {
            throw new SyscallException(Errno.E2BIG, "initial stack does not fit below the stack top");
        }

        byte[] bytes = new byte[(int) size];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        put(bytes, sp, execfnAddr, b.execfn);
        for (int i = 0; i < envc; i++) {
            put(bytes, sp, envAddr[i], b.envp.get(i));
        }
        for (int i = 0; i < argc; i++) {
            put(bytes, sp, argAddr[i], argv.get(i));
        }
        if (b.platform != null) {
            put(bytes, sp, platformAddr, b.platform);
        }
        System.arraycopy(b.random, 0, bytes, (int) (randomAddr - sp), 16);

        int at = 0;
        buf.putLong(at, argc);
        at += 8;
        long argvAddr = sp + at;
        for (long a : argAddr) {
            buf.putLong(at, a);
            at += 8;
        }
        at += 8; // argv NULL; the array is zero-filled
        long envpAddr = sp + at;
        for (long a : envAddr) {
            buf.putLong(at, a);
            at += 8;
        }
        at += 8; // envp NULL
        long auxvAddr = sp + at;
        for (AuxEntry e : b.aux) {
            long value = e.type() == Auxv.AT_RANDOM ? randomAddr
                    : e.type() == Auxv.AT_EXECFN ? execfnAddr
                    : e.type() == Auxv.AT_PLATFORM ? platformAddr
                    : e.value();
            buf.putLong(at, e.type());
            buf.putLong(at + 8, value);
            at += 16;
        }
        // AT_NULL, 0 is already there: the array is zero-filled.
        return new StackImage(sp, sp, bytes, argvAddr, envpAddr, auxvAddr, argStart, argEnd, envEnd);
    }

    /** fs/exec.c's limits: valid_arg_len() per string and bprm_stack_limits() for the total. */
    private static void checkLimits(Builder b, List<byte[]> argv) throws SyscallException {
        long strings = stringBytes(b.execfn, "execfn");
        for (byte[] s : b.envp) {
            strings += stringBytes(s, "an environment string");
        }
        for (byte[] s : argv) {
            strings += stringBytes(s, "an argument");
        }
        long ptrSize = (argv.size() + (long) b.envp.size()) * 8;
        if (ptrSize >= b.maxBytes || strings > b.maxBytes - ptrSize) {
            throw new SyscallException(Errno.E2BIG, "arguments and environment take " + (strings + ptrSize)
                    + " bytes, more than the limit of " + b.maxBytes);
        }
    }

    private static long stringBytes(byte[] s, String what) throws SyscallException {
        long len = s.length + 1L;
        if (len > MAX_ARG_STRLEN) {
            throw new SyscallException(Errno.E2BIG, what + " is " + s.length
                    + " bytes, longer than MAX_ARG_STRLEN (131072 with its NUL)");
        }
        return len;
    }

    private static void put(byte[] bytes, long base, long addr, byte[] s) {
        // The NUL terminator is already there: the array is zero-filled.
        System.arraycopy(s, 0, bytes, (int) (addr - base), s.length);
    }
}
