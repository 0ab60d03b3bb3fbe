package dev.jkraft.kernel.syscall;

import static dev.jkraft.kernel.syscall.StraceStrings.ELLIPSIS;
import static dev.jkraft.kernel.syscall.StraceStrings.MAX_STRLEN;
import static dev.jkraft.kernel.syscall.StraceStrings.hex;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Sigaction;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.abi.Uio;
import dev.jkraft.kernel.abi.Utsname;
import dev.jkraft.kernel.nofault.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Structures in guest memory decoded as strace prints them by default. Each method prints
 * {@code NULL} for a null address and the address itself when the memory cannot be read.
 */
final class StraceStructs {
    private StraceStructs() {}

    private static final int POINTER_SIZE = Long.BYTES;
    /** How far to count environment variables before giving up. */
    private static final int MAX_ENV_COUNT = 1 << 16;

    /**
     * An iovec array: {@code [{iov_base="hi", iov_len=2}, ...]}. With {@code dataLimit}
     * non-negative (readv), the bases together show only that many bytes, as that is all the call
     * filled in; a negative limit shows each base up to its length.
     */
    static String iovec(UserMemory mem, long addr, long count, long dataLimit) {
        if (addr == 0) {
            return "NULL";
        }
        if (count < 0 || count > Uio.UIO_MAXIOV) {
            return hex(addr);
        }
        int shown = (int) Math.min(count, MAX_STRLEN);
        ByteBuffer array = read(mem, addr, shown * Uio.IOVEC_SIZE);
        if (array == null) {
            return hex(addr);
        }
        StringBuilder out = new StringBuilder("[");
        long remaining = dataLimit;
        for (int i = 0; i < shown; i++) {
            long base = array.getLong(i * Uio.IOVEC_SIZE + Uio.IOV_BASE_OFFSET);
            long len = array.getLong(i * Uio.IOVEC_SIZE + Uio.IOV_LEN_OFFSET);
            long printed = len;
            if (dataLimit >= 0) {
                printed = Long.compareUnsigned(len, remaining) < 0 ? len : remaining;
                remaining -= printed;
            }
            if (i > 0) {
                out.append(", ");
            }
            out.append("{iov_base=").append(StraceStrings.buffer(mem, base, printed))
                    .append(", iov_len=").append(Long.toUnsignedString(len)).append('}');
        }
        if (count > shown) {
            out.append(", ").append(ELLIPSIS);
        }
        return out.append(']').toString();
    }

    /** A kernel signal set of {@code size} bytes: {@code [INT TERM]}; other sizes print as the address. */
    static String sigset(UserMemory mem, long addr, long size) {
        if (addr == 0) {
            return "NULL";
        }
        ByteBuffer set = size == Signals.SIGSET_SIZE ? read(mem, addr, Signals.SIGSET_SIZE) : null;
        return set == null ? hex(addr) : Signals.formatMask(set.getLong(0));
    }

    /** {@code {sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x...}}. */
    static String sigaction(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        ByteBuffer act = read(mem, addr, Sigaction.SIZE);
        if (act == null) {
            return hex(addr);
        }
        long flags = act.getLong(Sigaction.FLAGS_OFFSET);
        StringBuilder out = new StringBuilder("{sa_handler=")
                .append(Sigaction.formatHandler(act.getLong(Sigaction.HANDLER_OFFSET)))
                .append(", sa_mask=").append(Signals.formatMask(act.getLong(Sigaction.MASK_OFFSET)))
                .append(", sa_flags=").append(Sigaction.formatFlags(flags));
        if (Sigaction.hasRestorer(flags)) {
            out.append(", sa_restorer=").append(hex(act.getLong(Sigaction.RESTORER_OFFSET)));
        }
        return out.append('}').toString();
    }

    /** {@code {tv_sec=1, tv_nsec=500000000}}. */
    static String timespec(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        ByteBuffer ts = read(mem, addr, Clocks.TIMESPEC_SIZE);
        if (ts == null) {
            return hex(addr);
        }
        return "{tv_sec=" + ts.getLong(Clocks.TV_SEC_OFFSET) + ", tv_nsec=" + ts.getLong(Clocks.TV_NSEC_OFFSET) + "}";
    }

    /**
     * strace's short form of {@code struct stat}: the mode and size,
     * {@code {st_mode=S_IFREG|0644, st_size=10, ...}}, or for a device the mode and device
     * number, {@code {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...}}.
     */
    static String stat(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        ByteBuffer st = read(mem, addr, Stat.SIZE);
        if (st == null) {
            return hex(addr);
        }
        int mode = st.getInt(Stat.ST_MODE_OFFSET);
        StringBuilder out = new StringBuilder("{st_mode=").append(FileModes.format(mode)).append(", ");
        if (FileModes.isType(mode, FileModes.S_IFCHR) || FileModes.isType(mode, FileModes.S_IFBLK)) {
            long rdev = st.getLong(Stat.ST_RDEV_OFFSET);
            out.append("st_rdev=makedev(").append(hex(Stat.major(rdev))).append(", ")
                    .append(hex(Stat.minor(rdev))).append(')');
        } else {
            out.append("st_size=").append(st.getLong(Stat.ST_SIZE_OFFSET));
        }
        return out.append(", ").append(ELLIPSIS).append('}').toString();
    }

    /** {@code {sysname="Linux", nodename="host", ...}}. */
    static String utsname(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        byte[] uts = mem.peek(addr, Utsname.RELEASE_OFFSET);
        if (uts.length < Utsname.RELEASE_OFFSET) {
            return hex(addr);
        }
        return "{sysname=" + field(uts, Utsname.SYSNAME_OFFSET)
                + ", nodename=" + field(uts, Utsname.NODENAME_OFFSET) + ", " + ELLIPSIS + "}";
    }

    /** Two ints, as pipe(2) and socketpair(2) return them: {@code [3, 4]}. */
    static String fdPair(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        ByteBuffer fds = read(mem, addr, 2 * Integer.BYTES);
        if (fds == null) {
            return hex(addr);
        }
        return "[" + fds.getInt(0) + ", " + fds.getInt(Integer.BYTES) + "]";
    }

    /** A NULL-terminated array of strings: {@code ["ls", "-l"]}, at most 32 of them. */
    static String argv(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; ; i++) {
            ByteBuffer ptr = read(mem, addr + (long) i * POINTER_SIZE, POINTER_SIZE);
            if (ptr == null) {
                if (i == 0) {
                    return hex(addr);
                }
                out.append(", ").append(ELLIPSIS);
                break;
            }
            long str = ptr.getLong(0);
            if (str == 0) {
                break;
            }
            if (i > 0) {
                out.append(", ");
            }
            if (i == MAX_STRLEN) {
                out.append(ELLIPSIS);
                break;
            }
            out.append(StraceStrings.string(mem, str));
        }
        return out.append(']').toString();
    }

    /** An environment as its address and, in a comment, how many variables it holds. */
    static String envp(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        int count = 0;
        while (count < MAX_ENV_COUNT) {
            ByteBuffer ptr = read(mem, addr + (long) count * POINTER_SIZE, POINTER_SIZE);
            if (ptr == null) {
                return hex(addr);
            }
            if (ptr.getLong(0) == 0) {
                break;
            }
            count++;
        }
        return hex(addr) + " /* " + count + (count == 1 ? " var" : " vars") + " */";
    }

    private static String field(byte[] uts, int offset) {
        int len = 0;
        while (len < Utsname.FIELD_LENGTH - 1 && uts[offset + len] != 0) {
            len++;
        }
        byte[] value = new byte[len];
        System.arraycopy(uts, offset, value, 0, len);
        return StraceStrings.quote(value, len);
    }

    /** {@code size} bytes at {@code addr} in the guest's (little-endian) order, or null if unreadable. */
    private static ByteBuffer read(UserMemory mem, long addr, int size) {
        byte[] data = mem.peek(addr, size);
        return data.length < size ? null : ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }
}
