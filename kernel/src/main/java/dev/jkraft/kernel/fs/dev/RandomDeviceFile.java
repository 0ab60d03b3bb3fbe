package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;

/**
 * /dev/random, /dev/urandom and /dev/hwrng: bytes from the kernel's CSPRNG, never blocking (as
 * Linux since 5.18 once the CRNG is seeded, which jkraft's is from the start). Writes are taken
 * and dropped: Linux mixes them into the pool without crediting entropy, and jkraft's generator
 * re-keys itself.
 */
final class RandomDeviceFile extends DeviceFile {
    private final Csprng random;
    private final boolean blockingPool;

    RandomDeviceFile(Location at, int flags, Csprng random, boolean blockingPool) {
        super(at, flags);
        this.random = random;
        this.blockingPool = blockingPool;
    }

    /** hw_random's rng_dev_open: the device is read-only, any write access is EINVAL. */
    static RandomDeviceFile hwrng(Location at, int flags, Csprng random) throws SyscallException {
        if ((flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY) {
            throw new SyscallException(Errno.EINVAL);
        }
        return new RandomDeviceFile(at, flags, random, false);
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        System.arraycopy(b, 0, buf, off, len);
        return len;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        return len;
    }

    @Override
    public int poll() {
        // random_poll answers readable once the CRNG is ready, and no longer writable;
        // urandom has no poll and gets DEFAULT_POLLMASK.
        return blockingPool ? Poll.IN : Poll.DEFAULT_MASK;
    }
}
