package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.elf.ElfFormatException;
import dev.jkraft.kernel.elf.ElfImage;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vmem.AddressSpace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * execve(2) and execveat(2) (Linux's fs/exec.c with binfmt_elf and binfmt_script): the program is
 * found and read through the guest's files, a {@code #!} script becomes its interpreter's
 * arguments, an ELF program and its interpreter are loaded into a new address space; then, past
 * the point of no return, the other threads end, the old memory is released, close-on-exec
 * descriptors close, caught signals go back to their defaults, and the thread starts the new
 * program on a fresh CPU.
 */
public final class SysExec {
    private SysExec() {}

    /** MAX_ARG_STRLEN: one argument or environment string, 32 pages. */
    private static final int MAX_ARG_STRLEN = 32 * 4096;
    /** MAX_ARG_STRINGS. */
    private static final int MAX_ARG_STRINGS = 0x7FFF_FFFF;
    /** BINPRM_BUF_SIZE: how much of a #! line is looked at. */
    private static final int BINPRM_BUF_SIZE = 256;
    /** How many interpreters deep a script may go (Linux's 5 levels of bprm->interp). */
    private static final int MAX_INTERP_DEPTH = 4;
    /** Largest program jkraft reads. */
    private static final long MAX_PROGRAM_BYTES = 1L << 31;

    public static long execve(Task t, long path, long argv, long envp, long a3, long a4, long a5)
            throws SyscallException {
        return execveat(t, OpenFlags.AT_FDCWD, path, argv, envp, 0, a5);
    }

    public static long execveat(Task t, long dirfd, long path, long argv, long envp, long flags, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_SYMLINK_NOFOLLOW)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String name = Paths.read(t, path);
        List<String> args = strings(t, argv);
        List<String> env = strings(t, envp);
        checkSize(t, args, env);
        int fd = (int) dirfd;
        Location at;
        String filename;
        if (name.isEmpty()) {
            if ((flags & OpenFlags.AT_EMPTY_PATH) == 0) {
                throw new SyscallException(Errno.ENOENT);
            }
            at = Paths.emptyPathLocation(t, fd);
            if (at == null) {
                throw new SyscallException(Errno.EACCES);
            }
            filename = fd == OpenFlags.AT_FDCWD ? "." : "/dev/fd/" + fd;
        } else {
            at = Paths.resolve(t, fd, name, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0);
            filename = name.startsWith("/") || fd == OpenFlags.AT_FDCWD ? name : "/dev/fd/" + fd + "/" + name;
        }
        if (args.isEmpty()) {
            // Linux 5.18+: an empty argv gets an empty argv[0], so argc is never 0.
            args = new ArrayList<>(List.of(""));
        }
        // BINPRM_FLAGS_PATH_INACCESSIBLE: a script reached through a close-on-exec descriptor
        // could not be opened by its interpreter as /dev/fd/N.
        boolean inaccessible = filename.startsWith("/dev/fd/") && t.process().files().closeOnExec(fd);
        return exec(t, at, filename, args, env, inaccessible ? -1 : 0);
    }

    private static long exec(Task t, Location at, String filename, List<String> args, List<String> env, int depth)
            throws SyscallException {
        byte[] file = readExecutable(t, at);
        if (file.length >= 2 && file[0] == '#' && file[1] == '!') {
            if (depth < 0) {
                throw new SyscallException(Errno.ENOENT);
            }
            if (depth >= MAX_INTERP_DEPTH) {
                throw new SyscallException(Errno.ELOOP);
            }
            String[] line = shebang(file);
            List<String> next = new ArrayList<>();
            next.add(pathText(line[0]));
            if (line[1] != null) {
                next.add(pathText(line[1]));
            }
            next.add(pathText(filename));
            next.addAll(args.subList(1, args.size()));
            Location interp = Paths.resolve(t, OpenFlags.AT_FDCWD, line[0], true);
            return exec(t, interp, line[0], next, env, depth + 1);
        }
        ElfImage image;
        try {
            image = ElfImage.parse(file);
        } catch (ElfFormatException e) {
            throw new SyscallException(Errno.ENOEXEC, e.getMessage());
        }
        ElfImage interpreter = null;
        Location interpAt = null;
        if (image.isDynamic()) {
            String interpPath = image.interpreter().orElseThrow();
            interpAt = Paths.resolve(t, OpenFlags.AT_FDCWD, interpPath, true);
            try {
                interpreter = ElfImage.parse(readExecutable(t, interpAt));
            } catch (ElfFormatException e) {
                throw new SyscallException(Errno.ELIBBAD, e.getMessage());
            }
            if (interpreter.type() != ElfImage.Type.DYN || interpreter.isDynamic()) {
                throw new SyscallException(Errno.ELIBBAD);
            }
        }
        Process p = t.process();
        Attrs a = at.attrs();
        Attrs ia = interpAt != null ? interpAt.attrs() : null;
        String comm = filename.substring(filename.lastIndexOf('/') + 1);
        Process.Program program = new Process.Program(image, interpreter, at.path(), a.dev(), a.ino(),
                interpAt != null ? interpAt.path() : null, ia != null ? ia.dev() : 0, ia != null ? ia.ino() : 0,
                args, env, pathText(filename), execCredentials(p.credentials()));
        long stack = p.rlimit(Rlimits.RLIMIT_STACK)[0];
        if (stack < 0 || stack > (1L << 32)) {
            stack = 8L << 20;
        }
        Process.NewImage loaded;
        try {
            loaded = p.threadHost().load(program, Math.max(stack, 128L << 10));
        } catch (OutOfFramesException e) {
            throw new SyscallException(Errno.ENOMEM);
        }
        Cpu cpu;
        try {
            cpu = p.threadHost().newCpu(CpuState.initial(loaded.entry(), loaded.sp(),
                    loaded.space().pageTables().root()));
        } catch (PlatformException e) {
            loaded.space().destroy();
            throw new SyscallException(Errno.EAGAIN);
        }
        pointOfNoReturn(t, loaded.space(), cpu, at.path(), args, env, comm);
        p.setCredentials(program.credentials());
        return 0;
    }

    /**
     * The credentials a program runs with after exec, without set-id bits or file capabilities
     * (cap_bprm_creds_from_file): saved and filesystem ids follow the effective ones; a real or
     * effective root gets bounding | inheritable as permitted (effective too when euid is 0),
     * anyone else the ambient set.
     */
    static dev.jkraft.kernel.process.Credentials execCredentials(dev.jkraft.kernel.process.Credentials c) {
        boolean root = c.uid() == 0 || c.euid() == 0;
        long permitted = root ? c.bounding() | c.inheritable() : c.ambient();
        long effective = c.euid() == 0 ? permitted : root ? 0 : c.ambient();
        return new dev.jkraft.kernel.process.Credentials(c.uid(), c.euid(), c.euid(), c.euid(), c.gid(), c.egid(),
                c.egid(), c.egid(), c.groups(), effective, permitted, c.inheritable(), c.bounding(),
                root ? 0 : c.ambient());
    }

    /** The old image goes and the new one takes the thread: nothing may fail from here on. */
    private static void pointOfNoReturn(Task t, AddressSpace space, Cpu cpu, String exe, List<String> args,
            List<String> env, String comm) {
        Process p = t.process();
        endOtherThreads(t);
        p.becomeLeader(t);
        Thread.currentThread().setName("jkraft-guest-" + t.tid());
        Cpu old = t.cpu();
        p.addressSpace().detach(old);
        p.replaceImage(space, new GuestMemory(space, space.ram()), exe, args, env, old);
        t.replaceCpu(cpu);
        space.attach(cpu);
        old.close();
        p.files().closeOnExec();
        t.resetForExec();
        t.prctl().setComm(comm.getBytes(StandardCharsets.UTF_8));
    }

    /** de_thread: every other thread of the group ends before the new program runs. */
    private static void endOtherThreads(Task t) {
        Process p = t.process();
        for (Task other : p.tasks()) {
            if (other != t) {
                other.exit(0);
                other.wake();
            }
        }
        while (p.threadCount() > 1 && !p.exited()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                // exec cannot be interrupted past its point of no return
            }
        }
    }

    /** The whole file, if the caller may execute it: a regular file with execute permission. */
    private static byte[] readExecutable(Task t, Location at) throws SyscallException {
        Attrs a = at.attrs();
        if (a.isSymlink()) {
            // AT_SYMLINK_NOFOLLOW named a link: open_exec's O_NOFOLLOW answer.
            throw new SyscallException(Errno.ELOOP);
        }
        if (!a.isRegular()) {
            throw new SyscallException(Errno.EACCES);
        }
        var c = t.process().credentials();
        Access.check(a, c.euid(), c.egid(), Access.MAY_EXEC);
        if (a.size() > MAX_PROGRAM_BYTES) {
            throw new SyscallException(Errno.ENOMEM);
        }
        byte[] buf = new byte[(int) a.size()];
        int done = 0;
        while (done < buf.length) {
            int n = at.node().read(done, buf, done, buf.length - done);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done == buf.length ? buf : java.util.Arrays.copyOf(buf, done);
    }

    /** binfmt_script: {interpreter, optional argument or null} from the first line; ENOEXEC if there is no interpreter. */
    static String[] shebang(byte[] file) throws SyscallException {
        int end = Math.min(file.length, BINPRM_BUF_SIZE);
        int nl = 2;
        while (nl < end && file[nl] != '\n') {
            nl++;
        }
        String line = new String(file, 2, nl - 2, StandardCharsets.ISO_8859_1);
        if (nl == end && nl < file.length) {
            // No newline in the buffer: Linux refuses if the interpreter name itself was cut.
            String head = line.stripLeading();
            if (head.indexOf(' ') < 0 && head.indexOf('\t') < 0) {
                throw new SyscallException(Errno.ENOEXEC);
            }
        }
        line = line.replaceAll("^[ \t]+", "").replaceAll("[ \t\r]*$", "");
        if (line.isEmpty()) {
            throw new SyscallException(Errno.ENOEXEC);
        }
        int sp = 0;
        while (sp < line.length() && line.charAt(sp) != ' ' && line.charAt(sp) != '\t') {
            sp++;
        }
        String interp = line.substring(0, sp);
        String arg = line.substring(sp).replaceAll("^[ \t]+", "");
        return new String[] {interp, arg.isEmpty() ? null : arg};
    }

    /** A NULL-terminated array of strings from the guest; NULL itself is an empty list. */
    private static List<String> strings(Task t, long array) throws SyscallException {
        List<String> out = new ArrayList<>();
        if (array == 0) {
            return out;
        }
        for (long at = array; ; at += 8) {
            long s = t.memory().readLong(at);
            if (s == 0) {
                return out;
            }
            if (out.size() >= MAX_ARG_STRINGS) {
                throw new SyscallException(Errno.E2BIG);
            }
            try {
                out.add(text(t.memory().readCString(s, MAX_ARG_STRLEN - 1)));
            } catch (StringTooLongException e) {
                throw new SyscallException(Errno.E2BIG);
            }
        }
    }

    /**
     * Guest bytes as the String the initial stack encodes back to the same bytes (UTF-8); bytes
     * that are not UTF-8 are kept one char per byte (and would not round-trip: a known limit).
     */
    private static String text(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    /** A path as {@link Paths#read} gives it (one char per byte), as {@link #text} would decode it. */
    private static String pathText(String latin1) {
        return text(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Linux's limit on everything copied: a quarter of RLIMIT_STACK (at least 128 KiB), pointers included. */
    private static void checkSize(Task t, List<String> args, List<String> env) throws SyscallException {
        long limit = t.process().rlimit(Rlimits.RLIMIT_STACK)[0];
        limit = limit < 0 ? Long.MAX_VALUE : Math.max(limit / 4, 128L << 10);
        long total = 0;
        for (String s : args) {
            total += s.length() + 1 + 8;
        }
        for (String s : env) {
            total += s.length() + 1 + 8;
        }
        if (total > limit) {
            throw new SyscallException(Errno.E2BIG);
        }
    }
}
