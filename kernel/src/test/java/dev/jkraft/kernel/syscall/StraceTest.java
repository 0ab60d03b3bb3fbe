package dev.jkraft.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.ArchPrctl;
import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Futex;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.abi.SigProcMask;
import dev.jkraft.kernel.abi.Sigaction;
import dev.jkraft.kernel.abi.Signals;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StraceTest {
    private static final long BUF = 0x7ffd0000L;
    private static final long BUF2 = 0x7ffe0000L;
    private static final long STR = 0x500000L;
    private static final long UNMAPPED = 0x7ffdead0L;

    private final FakeUserMemory mem = new FakeUserMemory();

    private static int nr(String name) {
        return SyscallCatalog.numberOf(name).orElseThrow();
    }

    private String line(String name, long result, long... args) {
        return Strace.format(nr(name), args, result, mem);
    }

    private static long err(int errno) {
        return -errno;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void write() {
        mem.put(BUF, ascii("hi\n"));
        assertThat(line("write", 3, 1, BUF, 3)).isEqualTo("write(1, \"hi\\n\", 3) = 3");
    }

    @Test
    void writeLongBufferIsCutAt32Bytes() {
        mem.put(BUF, ascii("a".repeat(40)));
        assertThat(line("write", 40, 1, BUF, 40))
                .isEqualTo("write(1, \"" + "a".repeat(32) + "\"..., 40) = 40");
    }

    @Test
    void writeOf32BytesIsNotCut() {
        mem.put(BUF, ascii("b".repeat(32)));
        assertThat(line("write", 32, 1, BUF, 32)).isEqualTo("write(1, \"" + "b".repeat(32) + "\", 32) = 32");
    }

    @Test
    void writeUnreadableBufferPrintsPointer() {
        assertThat(line("write", err(Errno.EFAULT), 1, UNMAPPED, 5))
                .isEqualTo("write(1, 0x7ffdead0, 5) = -1 EFAULT (Bad address)");
    }

    @Test
    void writeWithNullBuffer() {
        assertThat(line("write", 0, 1, 0, 0)).isEqualTo("write(1, NULL, 0) = 0");
    }

    @Test
    void escapes() {
        mem.put(BUF, new byte[] {'\t', '\r', 0x0b, '\f', '"', '\\', 0, '1', 0, '8', 0x1b, '[', (byte) 0xff, 0x7f});
        assertThat(line("write", 14, 2, BUF, 14))
                .isEqualTo("write(2, \"\\t\\r\\v\\f\\\"\\\\\\0001\\08\\33[\\377\\177\", 14) = 14");
    }

    @Test
    void readPrintsAsManyBytesAsReturned() {
        mem.put(BUF, ascii("abcdefgh"));
        assertThat(line("read", 3, 0, BUF, 10)).isEqualTo("read(0, \"abc\", 10) = 3");
    }

    @Test
    void readOfElfHeader() {
        mem.put(BUF, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, '>', 0});
        assertThat(line("read", 20, 3, BUF, 832))
                .isEqualTo("read(3, \"\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\", 832) = 20");
    }

    @Test
    void readFailurePrintsPointer() {
        assertThat(line("read", err(Errno.EFAULT), 0, 0x7ffd1234L, 10))
                .isEqualTo("read(0, 0x7ffd1234, 10) = -1 EFAULT (Bad address)");
    }

    @Test
    void readAtEndOfFile() {
        mem.put(BUF, ascii("x"));
        assertThat(line("read", 0, 3, BUF, 4096)).isEqualTo("read(3, \"\", 4096) = 0");
    }

    @Test
    void openatWithoutCreatHasNoMode() {
        mem.putString(STR, "/etc/passwd");
        assertThat(line("openat", 3, OpenFlags.AT_FDCWD, STR, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0777))
                .isEqualTo("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
    }

    @Test
    void openatWithCreatPrintsMode() {
        mem.putString(STR, "out.txt");
        int flags = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC;
        assertThat(line("openat", 4, OpenFlags.AT_FDCWD, STR, flags, 0644))
                .isEqualTo("openat(AT_FDCWD, \"out.txt\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4");
    }

    @Test
    void openatOfDirectoryAsLsDoes() {
        mem.putString(STR, ".");
        int flags = OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC | OpenFlags.O_DIRECTORY;
        assertThat(line("openat", 3, OpenFlags.AT_FDCWD, STR, flags))
                .isEqualTo("openat(AT_FDCWD, \".\", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3");
    }

    @Test
    void openatWithUnknownFlagBitAndError() {
        mem.putString(STR, "/nope");
        assertThat(line("openat", err(Errno.ENOENT), 5, STR, OpenFlags.O_RDWR | 0x1000000))
                .isEqualTo("openat(5, \"/nope\", O_RDWR|0x1000000) = -1 ENOENT (No such file or directory)");
    }

    @Test
    void openatTmpfile() {
        mem.putString(STR, "/tmp");
        assertThat(line("openat", 3, OpenFlags.AT_FDCWD, STR, OpenFlags.O_RDWR | OpenFlags.O_TMPFILE, 0600))
                .isEqualTo("openat(AT_FDCWD, \"/tmp\", O_RDWR|O_TMPFILE, 0600) = 3");
    }

    @Test
    void pathsAreNotCut() {
        String path = "/usr/lib/x86_64-linux-gnu/libc.so.6/and/some/more";
        mem.putString(STR, path);
        assertThat(line("open", 3, STR, 0)).isEqualTo("open(\"" + path + "\", O_RDONLY) = 3");
    }

    @Test
    void stringsAreCutAt32Bytes() {
        mem.putString(STR, "n".repeat(33));
        assertThat(line("memfd_create", 3, STR, 1)).isEqualTo("memfd_create(\"" + "n".repeat(32) + "\"..., 0x1) = 3");
        mem.putString(STR + 0x100, "m".repeat(32));
        assertThat(line("memfd_create", 3, STR + 0x100, 0)).isEqualTo("memfd_create(\"" + "m".repeat(32) + "\", 0) = 3");
    }

    @Test
    void unreadableAndNullPaths() {
        assertThat(line("openat", err(Errno.EFAULT), OpenFlags.AT_FDCWD, UNMAPPED, 0))
                .isEqualTo("openat(AT_FDCWD, 0x7ffdead0, O_RDONLY) = -1 EFAULT (Bad address)");
        assertThat(line("chdir", err(Errno.EFAULT), 0)).isEqualTo("chdir(NULL) = -1 EFAULT (Bad address)");
    }

    @Test
    void stringRunningIntoUnmappedMemoryPrintsPointer() {
        mem.put(STR, ascii("abc"));
        assertThat(line("chdir", err(Errno.EFAULT), STR)).isEqualTo("chdir(0x500000) = -1 EFAULT (Bad address)");
    }

    @Test
    void mmapAnonymous() {
        int prot = Mman.PROT_READ | Mman.PROT_WRITE;
        int flags = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
        assertThat(line("mmap", 0x7f1234560000L, 0, 8192, prot, flags, -1, 0))
                .isEqualTo("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1234560000");
    }

    @Test
    void mmapOfFileAndFailure() {
        assertThat(line("mmap", 0x7f0000001000L, 0x7f0000001000L, 4096, Mman.PROT_READ | Mman.PROT_EXEC,
                        Mman.MAP_PRIVATE | Mman.MAP_FIXED | Mman.MAP_DENYWRITE, 3, 0x2000))
                .isEqualTo("mmap(0x7f0000001000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x2000)"
                        + " = 0x7f0000001000");
        assertThat(line("mmap", err(Errno.ENOMEM), 0, 1L << 40, Mman.PROT_NONE, Mman.MAP_SHARED | 0x800000, -1, 0))
                .isEqualTo("mmap(NULL, 1099511627776, PROT_NONE, MAP_SHARED|0x800000, -1, 0) = -1 ENOMEM (Cannot allocate memory)");
    }

    @Test
    void protWithOnlyUnknownBits() {
        assertThat(line("mprotect", err(Errno.EINVAL), 0x400000, 4096, 0x10))
                .isEqualTo("mprotect(0x400000, 4096, 0x10 /* PROT_??? */) = -1 EINVAL (Invalid argument)");
    }

    @Test
    void brk() {
        assertThat(line("brk", 0x4a5000, 0)).isEqualTo("brk(NULL) = 0x4a5000");
        assertThat(line("brk", 0x4c6000, 0x4c6000)).isEqualTo("brk(0x4c6000) = 0x4c6000");
    }

    @Test
    void archPrctl() {
        assertThat(line("arch_prctl", 0, ArchPrctl.ARCH_SET_FS, 0x4a6380))
                .isEqualTo("arch_prctl(ARCH_SET_FS, 0x4a6380) = 0");
        assertThat(line("arch_prctl", err(Errno.EINVAL), 0x3999, 0x7ffd0000L))
                .isEqualTo("arch_prctl(0x3999 /* ARCH_??? */, 0x7ffd0000) = -1 EINVAL (Invalid argument)");
    }

    @Test
    void rtSigprocmask() {
        mem.putLongs(BUF, Signals.maskOf(Signals.SIGCHLD));
        mem.putLongs(BUF2, 0);
        assertThat(line("rt_sigprocmask", 0, SigProcMask.SIG_BLOCK, BUF, BUF2, Signals.SIGSET_SIZE))
                .isEqualTo("rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0");
    }

    @Test
    void rtSigprocmaskOfAlmostFullSetPrintsComplement() {
        mem.putLongs(BUF, ~(Signals.maskOf(Signals.SIGRTMIN) | Signals.maskOf(Signals.SIGRTMIN + 1)));
        assertThat(line("rt_sigprocmask", 0, SigProcMask.SIG_SETMASK, BUF, 0, Signals.SIGSET_SIZE))
                .isEqualTo("rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], NULL, 8) = 0");
    }

    @Test
    void rtSigprocmaskOldSetIsAPointerWhenTheCallFails() {
        mem.putLongs(BUF, 0);
        assertThat(line("rt_sigprocmask", err(Errno.EINVAL), 7, BUF, BUF2, Signals.SIGSET_SIZE))
                .isEqualTo("rt_sigprocmask(0x7 /* SIG_??? */, [], 0x7ffe0000, 8) = -1 EINVAL (Invalid argument)");
    }

    @Test
    void rtSigaction() {
        mem.putLongs(BUF, 0x401000, Sigaction.SA_RESTORER | Sigaction.SA_RESTART, 0x402000, 0);
        assertThat(line("rt_sigaction", 0, Signals.SIGINT, BUF, 0, Signals.SIGSET_SIZE))
                .isEqualTo("rt_sigaction(SIGINT, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART,"
                        + " sa_restorer=0x402000}, NULL, 8) = 0");
        mem.putLongs(BUF2, Sigaction.SIG_DFL, 0, 0, Signals.maskOf(Signals.SIGTERM));
        assertThat(line("rt_sigaction", 0, Signals.SIGTERM, 0, BUF2, Signals.SIGSET_SIZE))
                .isEqualTo("rt_sigaction(SIGTERM, NULL, {sa_handler=SIG_DFL, sa_mask=[TERM], sa_flags=0}, 8) = 0");
    }

    @Test
    void exitGroupDoesNotReturn() {
        assertThat(Strace.formatEntry(nr("exit_group"), new long[] {0, 0, 0, 0, 0, 0}, mem)).isEqualTo("exit_group(0) = ?");
        assertThat(line("exit", 0, 3)).isEqualTo("exit(3) = ?");
    }

    @Test
    void entryLineShowsOutputArgumentsAsPointers() {
        assertThat(Strace.formatEntry(nr("read"), new long[] {0, BUF, 10}, mem)).isEqualTo("read(0, 0x7ffd0000, 10) = ?");
    }

    @Test
    void ioctl() {
        assertThat(line("ioctl", err(Errno.ENOTTY), 1, Ioctl.TCGETS, 0x7ffd5678L))
                .isEqualTo("ioctl(1, TCGETS, 0x7ffd5678) = -1 ENOTTY (Inappropriate ioctl for device)");
        assertThat(line("ioctl", 0, 1, Ioctl.TIOCGWINSZ, BUF)).isEqualTo("ioctl(1, TIOCGWINSZ, 0x7ffd0000) = 0");
        assertThat(line("ioctl", err(Errno.ENOTTY), 3, 0x80045499L, BUF))
                .isEqualTo("ioctl(3, _IOC(_IOC_READ, 0x54, 0x99, 0x4), 0x7ffd0000) = -1 ENOTTY (Inappropriate ioctl for device)");
    }

    @Test
    void unknownSyscall() {
        assertThat(Strace.format(999, new long[] {1, 2, 3, 4, 5, 6}, err(Errno.ENOSYS), mem))
                .isEqualTo("syscall_0x3e7(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)");
    }

    @Test
    void errorRange() {
        assertThat(Strace.isError(-1)).isTrue();
        assertThat(Strace.isError(-4095)).isTrue();
        assertThat(Strace.isError(-4096)).isFalse();
        assertThat(Strace.isError(0)).isFalse();
        assertThat(line("brk", -4096, 0)).isEqualTo("brk(NULL) = 0xfffffffffffff000");
    }

    @Test
    void unknownErrno() {
        assertThat(line("close", -1000, 3)).isEqualTo("close(3) = -1 1000 (Unknown error 1000)");
    }

    @Test
    void writev() {
        mem.put(BUF2, ascii("hello"));
        mem.put(BUF2 + 0x100, ascii("\n"));
        mem.putLongs(BUF, BUF2, 5, BUF2 + 0x100, 1);
        assertThat(line("writev", 6, 1, BUF, 2))
                .isEqualTo("writev(1, [{iov_base=\"hello\", iov_len=5}, {iov_base=\"\\n\", iov_len=1}], 2) = 6");
    }

    @Test
    void readvShowsOnlyWhatWasRead() {
        mem.put(BUF2, ascii("abcdefg"));
        mem.putLongs(BUF, BUF2, 3, BUF2 + 3, 4);
        assertThat(line("readv", 5, 3, BUF, 2))
                .isEqualTo("readv(3, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"de\", iov_len=4}], 2) = 5");
        assertThat(line("readv", err(Errno.EBADF), 9, BUF, 2)).isEqualTo("readv(9, 0x7ffd0000, 2) = -1 EBADF (Bad file descriptor)");
    }

    @Test
    void clockGettime() {
        mem.putLongs(BUF, 12, 345);
        assertThat(line("clock_gettime", 0, Clocks.CLOCK_MONOTONIC, BUF))
                .isEqualTo("clock_gettime(CLOCK_MONOTONIC, {tv_sec=12, tv_nsec=345}) = 0");
    }

    @Test
    void clockNanosleep() {
        mem.putLongs(BUF, 1, 0);
        assertThat(line("clock_nanosleep", 0, Clocks.CLOCK_REALTIME, Clocks.TIMER_ABSTIME, BUF, 0))
                .isEqualTo("clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=1, tv_nsec=0}, NULL) = 0");
    }

    private void putStat(long addr, int mode, long rdev, long size) {
        ByteBuffer st = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        st.putInt(24, mode).putLong(40, rdev).putLong(48, size);
        mem.put(addr, st.array());
    }

    @Test
    void fstatAndNewfstatat() {
        putStat(BUF, FileModes.S_IFREG | 0644, 0, 2773);
        assertThat(line("fstat", 0, 3, BUF)).isEqualTo("fstat(3, {st_mode=S_IFREG|0644, st_size=2773, ...}) = 0");
        mem.putString(STR, "/dev/tty");
        putStat(BUF2, FileModes.S_IFCHR | 0666, (5 << 8), 0);
        assertThat(line("newfstatat", 0, OpenFlags.AT_FDCWD, STR, BUF2, 0))
                .isEqualTo("newfstatat(AT_FDCWD, \"/dev/tty\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x5, 0), ...}, 0) = 0");
        mem.putString(STR + 0x100, "");
        assertThat(line("newfstatat", 0, 3, STR + 0x100, BUF, OpenFlags.AT_EMPTY_PATH))
                .isEqualTo("newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=2773, ...}, AT_EMPTY_PATH) = 0");
    }

    @Test
    void fcntl() {
        assertThat(line("fcntl", 1, 3, FcntlCmds.F_GETFD, 0)).isEqualTo("fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
        assertThat(line("fcntl", 0, 3, FcntlCmds.F_SETFD, FcntlCmds.FD_CLOEXEC)).isEqualTo("fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
        assertThat(line("fcntl", 0x8002, 0, FcntlCmds.F_GETFL))
                .isEqualTo("fcntl(0, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)");
        assertThat(line("fcntl", 0, 0, FcntlCmds.F_SETFL, OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK))
                .isEqualTo("fcntl(0, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
        assertThat(line("fcntl", 10, 3, FcntlCmds.F_DUPFD_CLOEXEC, 10)).isEqualTo("fcntl(3, F_DUPFD_CLOEXEC, 10) = 10");
        assertThat(line("fcntl", err(Errno.EBADF), 42, FcntlCmds.F_GETFD))
                .isEqualTo("fcntl(42, F_GETFD) = -1 EBADF (Bad file descriptor)");
    }

    @Test
    void futex() {
        assertThat(line("futex", 0, 0x4a0000, Futex.FUTEX_WAKE | Futex.FUTEX_PRIVATE_FLAG, 1, 0, 0, 0))
                .isEqualTo("futex(0x4a0000, FUTEX_WAKE_PRIVATE, 1) = 0");
        assertThat(line("futex", 0, 0x4a0000, Futex.FUTEX_WAIT | Futex.FUTEX_PRIVATE_FLAG, 2, 0, 0, 0))
                .isEqualTo("futex(0x4a0000, FUTEX_WAIT_PRIVATE, 2, NULL) = 0");
        int op = Futex.FUTEX_WAIT_BITSET | Futex.FUTEX_PRIVATE_FLAG | Futex.FUTEX_CLOCK_REALTIME;
        assertThat(line("futex", err(Errno.EAGAIN), 0x4a0000, op, 0, 0, 0, Futex.FUTEX_BITSET_MATCH_ANY))
                .isEqualTo("futex(0x4a0000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY)"
                        + " = -1 EAGAIN (Resource temporarily unavailable)");
        assertThat(line("futex", 1, 0x4a0000, Futex.FUTEX_CMP_REQUEUE, 1, 2147483647, 0x4b0000, 5))
                .isEqualTo("futex(0x4a0000, FUTEX_CMP_REQUEUE, 1, 2147483647, 0x4b0000, 5) = 1");
        assertThat(line("futex", 0, 0x4a0000, Futex.FUTEX_UNLOCK_PI, 0, 0, 0, 0))
                .isEqualTo("futex(0x4a0000, FUTEX_UNLOCK_PI) = 0");
    }

    @Test
    void execve() {
        mem.putString(STR, "/bin/ls");
        mem.putString(STR + 0x10, "ls");
        mem.putString(STR + 0x20, "-l");
        mem.putLongs(BUF, STR + 0x10, STR + 0x20, 0);
        mem.putLongs(BUF2, STR + 0x10, STR + 0x20, 0);
        assertThat(line("execve", 0, STR, BUF, BUF2))
                .isEqualTo("execve(\"/bin/ls\", [\"ls\", \"-l\"], 0x7ffe0000 /* 2 vars */) = 0");
    }

    @Test
    void argvOfManyStringsIsCut() {
        long[] ptrs = new long[41];
        for (int i = 0; i < 40; i++) {
            ptrs[i] = STR;
        }
        mem.putString(STR, "x");
        mem.putLongs(BUF, ptrs);
        mem.putLongs(BUF2, STR, 0);
        String args = String.join(", ", java.util.Collections.nCopies(32, "\"x\""));
        assertThat(line("execve", err(Errno.ENOENT), STR, BUF, BUF2))
                .isEqualTo("execve(\"x\", [" + args + ", ...], 0x7ffe0000 /* 1 var */) = -1 ENOENT (No such file or directory)");
    }

    @Test
    void uname() {
        byte[] uts = new byte[390];
        System.arraycopy(ascii("Linux"), 0, uts, 0, 5);
        System.arraycopy(ascii("jkraft"), 0, uts, 65, 6);
        mem.put(BUF, uts);
        assertThat(line("uname", 0, BUF)).isEqualTo("uname({sysname=\"Linux\", nodename=\"jkraft\", ...}) = 0");
    }

    @Test
    void pipe2() {
        mem.put(BUF, new byte[] {3, 0, 0, 0, 4, 0, 0, 0});
        assertThat(line("pipe2", 0, BUF, OpenFlags.O_CLOEXEC)).isEqualTo("pipe2([3, 4], O_CLOEXEC) = 0");
        assertThat(line("pipe2", 0, BUF, 0)).isEqualTo("pipe2([3, 4], 0) = 0");
    }

    @Test
    void smallCalls() {
        mem.putString(STR, "/etc/ld.so.preload");
        assertThat(line("access", err(Errno.ENOENT), STR, FileModes.R_OK))
                .isEqualTo("access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)");
        assertThat(line("lseek", 0, 3, 0, Seek.SEEK_CUR)).isEqualTo("lseek(3, 0, SEEK_CUR) = 0");
        assertThat(line("umask", 022, 077)).isEqualTo("umask(077) = 022");
        assertThat(line("umask", 0, 022)).isEqualTo("umask(022) = 0");
        assertThat(line("getpid", 1234)).isEqualTo("getpid() = 1234");
        assertThat(line("kill", 0, 1234, Signals.SIGTERM)).isEqualTo("kill(1234, SIGTERM) = 0");
        assertThat(line("kill", 0, 1234, 0)).isEqualTo("kill(1234, 0) = 0");
        assertThat(line("set_tid_address", 1234, 0x4a7f90)).isEqualTo("set_tid_address(0x4a7f90) = 1234");
        assertThat(line("close", 0, 3)).isEqualTo("close(3) = 0");
        assertThat(line("dup2", 1, 3, 1)).isEqualTo("dup2(3, 1) = 1");
        assertThat(line("prlimit64", 0, 0, Rlimits.RLIMIT_STACK, 0, BUF))
                .isEqualTo("prlimit64(0, RLIMIT_STACK, NULL, 0x7ffd0000) = 0");
        assertThat(line("rseq", 0, 0x7f0000001fe0L, 0x20, 0, 0x53053053))
                .isEqualTo("rseq(0x7f0000001fe0, 0x20, 0, 0x53053053) = 0");
        assertThat(line("madvise", 0, 0x7f0000000000L, 8192, Mman.MADV_DONTNEED))
                .isEqualTo("madvise(0x7f0000000000, 8192, MADV_DONTNEED) = 0");
        assertThat(line("mremap", 0x7f0000100000L, 0x7f0000000000L, 4096, 8192, Mman.MREMAP_MAYMOVE, 0))
                .isEqualTo("mremap(0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE, NULL) = 0x7f0000100000");
    }

    @Test
    void atFlags() {
        mem.putString(STR, "d");
        assertThat(line("unlinkat", 0, OpenFlags.AT_FDCWD, STR, OpenFlags.AT_REMOVEDIR))
                .isEqualTo("unlinkat(AT_FDCWD, \"d\", AT_REMOVEDIR) = 0");
        assertThat(line("faccessat2", 0, 3, STR, FileModes.W_OK | FileModes.X_OK, OpenFlags.AT_EACCESS))
                .isEqualTo("faccessat2(3, \"d\", W_OK|X_OK, AT_EACCESS) = 0");
        assertThat(line("fchownat", 0, 3, STR, 0, 0, OpenFlags.AT_SYMLINK_NOFOLLOW | 0x80000000L))
                .isEqualTo("fchownat(3, \"d\", 0, 0, AT_SYMLINK_NOFOLLOW|0x80000000) = 0");
        assertThat(line("mkdirat", 0, OpenFlags.AT_FDCWD, STR, 0))
                .isEqualTo("mkdirat(AT_FDCWD, \"d\", 000) = 0");
    }

    @Test
    void getcwdPrintsPathOnSuccess() {
        mem.putString(BUF, "/home/user");
        assertThat(line("getcwd", 11, BUF, 4096)).isEqualTo("getcwd(\"/home/user\", 4096) = 11");
        assertThat(line("getcwd", err(Errno.ERANGE), BUF, 2)).isEqualTo("getcwd(0x7ffd0000, 2) = -1 ERANGE (Numerical result out of range)");
    }

    @Test
    void preadv2SkipsTheHighOffsetHalf() {
        mem.put(BUF2, ascii("xyz"));
        mem.putLongs(BUF, BUF2, 3);
        assertThat(line("preadv2", 3, 3, BUF, 1, 100, 0, 0))
                .isEqualTo("preadv2(3, [{iov_base=\"xyz\", iov_len=3}], 1, 100, 0) = 3");
    }

    @Test
    void missingArgumentsCountAsZero() {
        assertThat(Strace.format(nr("close"), new long[0], 0, mem)).isEqualTo("close(0) = 0");
    }
}
