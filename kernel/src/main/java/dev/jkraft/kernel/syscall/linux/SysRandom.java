package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.nofault.BadAddressException;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;

/** getrandom(2) from the kernel's ChaCha20 generator; it never blocks, as after Linux's CRNG is seeded. */
public final class SysRandom {
    private SysRandom() {}

    private static final int GRND_NONBLOCK = 1;
    private static final int GRND_RANDOM = 2;
    private static final int GRND_INSECURE = 4;
    /** Linux returns at most 32 MiB - 1 per call. */
    private static final long MAX = (1L << 25) - 1;
    private static final Csprng RNG = new Csprng();

    public static Csprng generator() {
        return RNG;
    }

    public static long getrandom(Task t, long buf, long count, long flags, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0
                || (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
            throw new SyscallException(Errno.EINVAL);
        }
        int n = (int) Math.min(Long.compareUnsigned(count, MAX) > 0 ? MAX : count, MAX);
        int done = 0;
        byte[] chunk = new byte[Math.min(n, 1 << 16)];
        while (done < n) {
            int len = Math.min(chunk.length, n - done);
            RNG.nextBytes(chunk);
            try {
                t.memory().write(buf + done, chunk, 0, len);
            } catch (BadAddressException e) {
                // Linux returns what it copied before the fault; EFAULT only if that is nothing.
                long copied = done + Math.max(0, e.address() - (buf + done));
                if (copied > 0) {
                    return copied;
                }
                throw e;
            }
            done += len;
        }
        return done;
    }
}
