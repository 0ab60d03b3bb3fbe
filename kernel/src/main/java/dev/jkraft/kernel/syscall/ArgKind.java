package dev.jkraft.kernel.syscall;

/**
 * How a system call argument is printed in a trace line. Kinds marked "output" describe memory
 * the call fills in: they are printed after the call returns, and as a plain pointer if it failed
 * or has not returned yet. Kinds marked "ref" use another argument, whose index the
 * {@link SyscallArg} carries.
 */
public enum ArgKind {
    /** Signed 32-bit decimal. */
    INT,
    /** Unsigned 32-bit decimal. */
    UINT,
    /** Signed 64-bit decimal. */
    LONG,
    /** Unsigned 64-bit decimal (sizes, counts). */
    ULONG,
    /** {@code 0x..} hex, {@code 0} for zero. */
    HEX,
    /** An address: {@code NULL} or {@code 0x..}. */
    PTR,
    /** A struct the trace does not decode, printed as its address. */
    STRUCT,
    /** A file descriptor, decimal. */
    FD,
    /** The dirfd of a *at call: {@code AT_FDCWD} or decimal. */
    DIRFD,
    /** A NUL-terminated path, quoted in full (strace does not shorten paths). */
    PATH,
    /** A NUL-terminated string, quoted, cut at 32 bytes. */
    STRING,
    /** Ref: bytes whose length is the referenced argument (write). */
    BUF_IN(false, true),
    /** Output: bytes whose length is the return value (read). */
    BUF_OUT(true, false),
    /** Output: a NUL-terminated path the call writes (getcwd). */
    PATH_OUT(true, false),
    /** Ref: an iovec array whose count is the referenced argument (writev). */
    IOVEC_IN(false, true),
    /** Output, ref: an iovec array filled with as many bytes as the return value (readv). */
    IOVEC_OUT(true, true),
    /** A file mode: {@code 0644}, with its type if any ({@code S_IFCHR|0620}). */
    OCTAL_MODE,
    /** open(2) flags: {@code O_RDONLY|O_CLOEXEC}. */
    OPEN_FLAGS,
    /** O_* bits without an access mode (dup3, pipe2): {@code O_CLOEXEC}, or {@code 0}. */
    O_FLAGS,
    /** Ref: open(2)'s mode, printed only if the referenced flags create a file. */
    OPEN_MODE(false, true),
    /** AT_* flags. */
    AT_FLAGS,
    /** An access(2) mode: {@code R_OK|W_OK} or {@code F_OK}. */
    ACCESS_MODE,
    /** faccessat2(2) flags, where 0x200 is {@code AT_EACCESS}. */
    ACCESS_AT_FLAGS,
    /** lseek(2) whence. */
    SEEK_WHENCE,
    /** PROT_* bits. */
    PROT,
    /** mmap(2) flags. */
    MMAP_FLAGS,
    /** mremap(2) flags. */
    MREMAP_FLAGS,
    /** madvise(2) advice. */
    MADVISE_ADVICE,
    /** A signal number: {@code SIGTERM}. */
    SIGNAL,
    /** Ref: a signal set whose size in bytes is the referenced argument: {@code [INT TERM]}. */
    SIGSET_IN(false, true),
    /** Output, ref: a signal set the call fills in. */
    SIGSET_OUT(true, true),
    /** A kernel {@code struct sigaction}. */
    SIGACTION_IN,
    /** Output: a kernel {@code struct sigaction} the call fills in. */
    SIGACTION_OUT(true, false),
    /** rt_sigprocmask(2) how: {@code SIG_BLOCK}. */
    SIGPROCMASK_HOW,
    /** arch_prctl(2) code: {@code ARCH_SET_FS}. */
    ARCH_PRCTL_CODE,
    /** A clock id: {@code CLOCK_MONOTONIC}. */
    CLOCK_ID,
    /** {@code TIMER_ABSTIME} or {@code 0}. */
    TIMER_FLAGS,
    /** A {@code struct timespec}: {@code {tv_sec=1, tv_nsec=0}}. */
    TIMESPEC_IN,
    /** Output: a {@code struct timespec} the call fills in. */
    TIMESPEC_OUT(true, false),
    /** An ioctl(2) request: {@code TCGETS}. */
    IOCTL_REQUEST,
    /** A resource of getrlimit(2): {@code RLIMIT_STACK}. */
    RLIMIT_RESOURCE,
    /** A futex(2) operation: {@code FUTEX_WAIT_PRIVATE}. */
    FUTEX_OP,
    /** Ref (the op): futex(2)'s val, absent for the PI lock operations. */
    FUTEX_VAL(false, true),
    /** Ref (the op): futex(2)'s timeout, a count for the requeue operations, or absent. */
    FUTEX_TIMEOUT(false, true),
    /** Ref (the op): futex(2)'s second address, printed only by operations that use it. */
    FUTEX_UADDR2(false, true),
    /** Ref (the op): futex(2)'s val3, a bitset or a count, printed only where used. */
    FUTEX_VAL3(false, true),
    /** An fcntl(2) command: {@code F_SETFD}. */
    FCNTL_CMD,
    /** Ref (the command): fcntl(2)'s third argument, decoded for the command or absent. */
    FCNTL_ARG(false, true),
    /** Output: a {@code struct stat}: {@code {st_mode=S_IFREG|0644, st_size=10, ...}}. */
    STAT_OUT(true, false),
    /** Output: a {@code struct utsname}: {@code {sysname="Linux", nodename="h", ...}}. */
    UTSNAME_OUT(true, false),
    /** Output: two file descriptors (pipe, socketpair): {@code [3, 4]}. */
    PIPE_FDS(true, false),
    /** socket(2)'s domain: {@code AF_INET}. */
    SOCK_DOMAIN,
    /** socket(2)'s type with its flags: {@code SOCK_STREAM|SOCK_CLOEXEC}. */
    SOCK_TYPE,
    /** Ref: a sockaddr whose length is the referenced argument (bind, connect, sendto). */
    SOCKADDR_IN(false, true),
    /** Output, ref: a sockaddr whose length the referenced socklen_t pointer holds after the call (accept, getsockname). */
    SOCKADDR_OUT(true, true),
    /** Output: a socklen_t the call updates, as {@code [16]}. */
    SOCKLEN_OUT(true, false),
    /** A NULL-terminated array of strings: {@code ["ls", "-l"]}. */
    ARGV,
    /** An environment: its address and, in a comment, how many variables it holds. */
    ENVP,
    /** Passed by the ABI but not printed (the high half of a split offset on 64-bit). */
    UNUSED;

    private final boolean output;
    private final boolean needsRef;

    ArgKind() {
        this(false, false);
    }

    ArgKind(boolean output, boolean needsRef) {
        this.output = output;
        this.needsRef = needsRef;
    }

    /** Whether the call writes this argument's memory, so it is printed after the call. */
    public boolean isOutput() {
        return output;
    }

    /** Whether printing this argument needs the value of another one. */
    public boolean needsRef() {
        return needsRef;
    }
}
