package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.abi.Uio;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Sending and receiving (net/socket.c, net/core/scm.c): sendto, recvfrom, sendmsg, recvmsg,
 * sendmmsg, recvmmsg, and read/write/readv/writev on a socket. A struct msghdr is read into an
 * {@link Outgoing} (iovec gathered, cmsgs parsed: SCM_RIGHTS files retained, SCM_CREDENTIALS
 * checked) and a {@link Received} is written back (data scattered, address truncated, cmsgs put
 * with put_cmsg's truncation rules and MSG_CTRUNC, received descriptors installed).
 */
public final class SysSocketMsg {
    private SysSocketMsg() {}

    /** The most one datagram call copies; a stream send larger than this goes in pieces. */
    private static final int MAX_MESSAGE = 16 << 20;

    /** A parsed struct msghdr. */
    private record MsgHdr(long name, int nameLen, long[][] iov, long control, long controlLen) {
        long total() {
            long n = 0;
            for (long[] v : iov) {
                n += v[1];
            }
            return n;
        }
    }

    public static long sendto(Task t, long fd, long buf, long len, long flags, long addr, long addrlen)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        long count = SysReadWrite.clamp(len);
        SysReadWrite.accessOk(buf, count);
        byte[] to = addr == 0 ? null : SysSocket.readAddress(t, addr, addrlen);
        return send(t, s, new long[][] {{buf, count}}, to, List.of(), (int) flags);
    }

    public static long recvfrom(Task t, long fd, long buf, long len, long flags, long addr, long addrlen)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        long count = SysReadWrite.clamp(len);
        SysReadWrite.accessOk(buf, count);
        if (addr == 0) {
            Integer direct = receiveDirect(t, s, new long[][] {{buf, count}}, (int) flags);
            if (direct != null) {
                return direct;
            }
        }
        Received r = receive(s, count, (int) flags);
        int n = scatter(t, r, new long[][] {{buf, count}});
        releaseUndelivered(r);
        if (addr != 0 && addrlen != 0) {
            SysSocket.writeAddress(t, r.address(), addr, addrlen);
        }
        return result(s, r, n, (int) flags);
    }

    public static long sendmsg(Task t, long fd, long msg, long flags, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        return sendOne(t, s, msg, (int) flags);
    }

    public static long recvmsg(Task t, long fd, long msg, long flags, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        return receiveOne(t, s, msg, (int) flags);
    }

    /** sendmmsg: each message in turn; the count sent, or the first error when none went. */
    public static long sendmmsg(Task t, long fd, long vec, long vlen, long flags, long a4, long a5)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        int n = (int) Math.min(vlen & 0xFFFF_FFFFL, Sockets.MMSG_MAX);
        int sent = 0;
        for (; sent < n; sent++) {
            long hdr = vec + (long) sent * Sockets.MMSGHDR_SIZE;
            long got;
            try {
                got = sendOne(t, s, hdr, (int) flags);
                t.memory().writeInt(hdr + Sockets.MMSG_LEN, (int) got);
            } catch (SyscallException e) {
                if (sent > 0) {
                    return sent;
                }
                throw e;
            }
        }
        return sent;
    }

    /**
     * recvmmsg: up to {@code vlen} messages; MSG_WAITFORONE turns on MSG_DONTWAIT after the first;
     * the timeout is looked at after each message, as Linux does.
     */
    public static long recvmmsg(Task t, long fd, long vec, long vlen, long flags, long timeout, long a5)
            throws SyscallException {
        Socket s = SysSocket.socketOf(t, fd);
        long deadline = Long.MAX_VALUE;
        if (timeout != 0) {
            long sec = t.memory().readLong(timeout);
            long nsec = t.memory().readLong(timeout + 8);
            if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
                throw new SyscallException(Errno.EINVAL);
            }
            deadline = System.nanoTime() + Math.min(sec, Long.MAX_VALUE / 2_000_000_000L) * 1_000_000_000L + nsec;
        }
        int n = (int) Math.min(vlen & 0xFFFF_FFFFL, Sockets.MMSG_MAX);
        int f = (int) flags;
        int got = 0;
        for (; got < n; got++) {
            long hdr = vec + (long) got * Sockets.MMSGHDR_SIZE;
            try {
                long len = receiveOne(t, s, hdr, f);
                t.memory().writeInt(hdr + Sockets.MMSG_LEN, (int) len);
            } catch (SyscallException e) {
                if (got > 0) {
                    return got;
                }
                throw e;
            }
            if ((f & Sockets.MSG_WAITFORONE) != 0) {
                f |= Sockets.MSG_DONTWAIT;
            }
            if (timeout != 0 && System.nanoTime() >= deadline) {
                got++;
                break;
            }
        }
        if (timeout != 0) {
            long left = Math.max(0, deadline - System.nanoTime());
            t.memory().writeLong(timeout, left / 1_000_000_000L);
            t.memory().writeLong(timeout + 8, left % 1_000_000_000L);
        }
        return got;
    }

    // ---- read(2) and write(2) family on a socket (sock_read_iter, sock_write_iter)

    /** read/readv on a socket: recvmsg with no flags. */
    static long read(Task t, Socket s, long[][] iov) throws SyscallException {
        long total = 0;
        for (long[] v : iov) {
            total += v[1];
        }
        Integer direct = receiveDirect(t, s, iov, 0);
        if (direct != null) {
            return direct;
        }
        Received r = receive(s, total, 0);
        int n = scatter(t, r, iov);
        releaseUndelivered(r);
        return n;
    }

    /**
     * The guest's buffers as host memory runs for a socket that moves bytes without a copy
     * through Java; null (the caller copies) when they are not all reachable host memory, are
     * larger than a message, or the socket or its flags have no such path.
     */
    private static List<java.lang.foreign.MemorySegment> runs(Task t, long[][] iov, boolean write) {
        List<java.lang.foreign.MemorySegment> out = new ArrayList<>();
        long total = 0;
        try {
            for (long[] v : iov) {
                if (v[1] == 0) {
                    continue;
                }
                List<java.lang.foreign.MemorySegment> r = t.memory().segments(v[0], (int) Math.min(v[1], MAX_MESSAGE), write);
                if (r == null) {
                    return null;
                }
                long got = 0;
                for (java.lang.foreign.MemorySegment m : r) {
                    got += m.byteSize();
                }
                if (got != v[1]) {
                    // A bad page inside, or a run beyond the cap: the copying path answers exactly.
                    return null;
                }
                out.addAll(r);
                total += got;
                if (total > MAX_MESSAGE) {
                    return null;
                }
            }
        } catch (SyscallException e) {
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    private static Integer receiveDirect(Task t, Socket s, long[][] iov, int flags) throws SyscallException {
        if ((flags & Sockets.MSG_ERRQUEUE) != 0) {
            return null;
        }
        List<java.lang.foreign.MemorySegment> dst = runs(t, iov, true);
        if (dst == null) {
            return null;
        }
        boolean nonBlocking = s.nonBlocking() || (flags & Sockets.MSG_DONTWAIT) != 0;
        return s.receiveDirect(dst, flags & ~Sockets.MSG_DONTWAIT, nonBlocking);
    }

    /** write/writev on a socket: sendmsg with no flags (SIGPIPE on EPIPE). */
    static long write(Task t, Socket s, long[][] iov) throws SyscallException {
        return send(t, s, iov, null, List.of(), 0);
    }

    // ---- the common paths

    private static long sendOne(Task t, Socket s, long msg, int flags) throws SyscallException {
        MsgHdr h = readMsgHdr(t.memory(), msg);
        byte[] to = h.name() == 0 || h.nameLen() == 0 ? null : SysSocket.readAddress(t, h.name(), h.nameLen());
        List<Control> control = h.controlLen() == 0 ? List.of() : readControl(t, s, h.control(), h.controlLen());
        return send(t, s, h.iov(), to, control, flags);
    }

    private static long receiveOne(Task t, Socket s, long msg, int flags) throws SyscallException {
        UserMemory mem = t.memory();
        MsgHdr h = readMsgHdr(mem, msg);
        Received r = receive(s, h.total(), flags);
        int n = scatter(t, r, h.iov());
        int msgFlags = r.flags() | (flags & Sockets.MSG_CMSG_CLOEXEC);
        if (h.name() != 0) {
            byte[] a = r.address() == null ? new byte[0] : r.address();
            int len = Math.min(Math.max(h.nameLen(), 0), a.length);
            if (len > 0) {
                mem.write(h.name(), a, 0, len);
            }
            mem.writeInt(msg + Sockets.MSG_NAMELEN, a.length);
        } else {
            mem.writeInt(msg + Sockets.MSG_NAMELEN, 0);
        }
        long used = 0;
        if (!r.control().isEmpty()) {
            long[] out = writeControl(t, r.control(), h.control(), h.controlLen(),
                    (flags & Sockets.MSG_CMSG_CLOEXEC) != 0);
            used = out[0];
            msgFlags |= (int) out[1];
        }
        mem.writeLong(msg + Sockets.MSG_CONTROLLEN, used);
        mem.writeInt(msg + Sockets.MSG_FLAGS, msgFlags);
        return result(s, r, n, flags);
    }

    /** Gathers the iovec and sends it; SIGPIPE unless MSG_NOSIGNAL when the answer is EPIPE. */
    private static long send(Task t, Socket s, long[][] iov, byte[] to, List<Control> control, int flags)
            throws SyscallException {
        boolean nonBlocking = s.nonBlocking() || (flags & Sockets.MSG_DONTWAIT) != 0;
        long total = 0;
        for (long[] v : iov) {
            total += v[1];
        }
        Ucred sender = SysSocket.credentials(t);
        SocketCaller caller = new SocketCaller(t);
        try {
            if (s.type() != Sockets.SOCK_STREAM || total <= MAX_MESSAGE) {
                if (total > MAX_MESSAGE) {
                    throw new SyscallException(Errno.EMSGSIZE);
                }
                byte[] data = gather(t.memory(), iov, (int) total);
                int n = s.send(caller, new Outgoing(data, to, control, sender), flags, nonBlocking);
                control = List.of();
                return n;
            }
            // A large stream send goes in pieces; what went before an error or a signal counts.
            long done = 0;
            for (long[] v : iov) {
                for (long off = 0; off < v[1]; ) {
                    int piece = (int) Math.min(v[1] - off, MAX_MESSAGE);
                    byte[] data;
                    int n;
                    try {
                        data = t.memory().read(v[0] + off, piece);
                        n = s.send(caller, new Outgoing(data, to, control, sender), flags, nonBlocking);
                    } catch (SyscallException e) {
                        if (done > 0) {
                            return done;
                        }
                        throw e;
                    }
                    control = List.of();
                    done += n;
                    off += n;
                    if (n < piece) {
                        return done;
                    }
                }
            }
            return done;
        } catch (SyscallException e) {
            Control.releaseAll(control);
            // Linux's stream protocols raise SIGPIPE themselves (unix_stream_sendmsg, sk_stream_error);
            // an EPIPE from a datagram or seqpacket send (AF_UNIX after the peer's SHUT_RD) comes alone.
            if (e.errno() == Errno.EPIPE && (flags & Sockets.MSG_NOSIGNAL) == 0 && s.type() == Sockets.SOCK_STREAM) {
                SysPipe.raiseSigpipe(t);
            }
            throw e;
        }
    }

    private static Received receive(Socket s, long total, int flags) throws SyscallException {
        if ((flags & Sockets.MSG_ERRQUEUE) != 0) {
            // No socket here queues errors (IP_RECVERR): as Linux with an empty error queue.
            throw new SyscallException(Errno.EAGAIN);
        }
        boolean nonBlocking = s.nonBlocking() || (flags & Sockets.MSG_DONTWAIT) != 0;
        int length = (int) Math.min(total, MAX_MESSAGE);
        return s.receive(length, flags, nonBlocking);
    }

    /** What recv returns: the bytes copied, or a datagram's whole length with MSG_TRUNC. */
    private static long result(Socket s, Received r, int copied, int flags) {
        if ((flags & Sockets.MSG_TRUNC) != 0 && s.type() != Sockets.SOCK_STREAM) {
            return r.fullLength();
        }
        return copied;
    }

    private static byte[] gather(UserMemory mem, long[][] iov, int total) throws SyscallException {
        byte[] data = new byte[total];
        int at = 0;
        for (long[] v : iov) {
            if (v[1] > 0) {
                mem.read(v[0], data, at, (int) v[1]);
                at += (int) v[1];
            }
        }
        return data;
    }

    /** Copies received bytes into the iovec; EFAULT only when nothing could be copied. */
    private static int scatter(Task t, Received r, long[][] iov) throws SyscallException {
        byte[] d = r.data();
        int at = 0;
        for (long[] v : iov) {
            if (at >= d.length) {
                break;
            }
            int n = (int) Math.min(v[1], d.length - at);
            try {
                t.memory().write(v[0], d, at, n);
            } catch (SyscallException e) {
                if (at == 0) {
                    releaseUndelivered(r);
                    throw e;
                }
                return at;
            }
            at += n;
        }
        return at;
    }

    /** SCM_RIGHTS of a message whose control data never reached the guest. */
    private static void releaseUndelivered(Received r) {
        Control.releaseAll(r.control());
    }

    private static MsgHdr readMsgHdr(UserMemory mem, long msg) throws SyscallException {
        byte[] raw = mem.read(msg, Sockets.MSGHDR_SIZE);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long name = b.getLong(Sockets.MSG_NAME);
        int nameLen = b.getInt(Sockets.MSG_NAMELEN);
        long iov = b.getLong(Sockets.MSG_IOV);
        long iovLen = b.getLong(Sockets.MSG_IOVLEN);
        long control = b.getLong(Sockets.MSG_CONTROL);
        long controlLen = b.getLong(Sockets.MSG_CONTROLLEN);
        if (controlLen < 0 || controlLen > Integer.MAX_VALUE) {
            // ____sys_sendmsg: a control length over INT_MAX is ENOBUFS.
            throw new SyscallException(Errno.ENOBUFS);
        }
        if (iovLen < 0 || iovLen > Uio.UIO_MAXIOV) {
            // copy_msghdr_from_user: too many iovecs is EMSGSIZE here, not EINVAL.
            throw new SyscallException(Errno.EMSGSIZE);
        }
        if (name != 0 && (nameLen < 0 || nameLen > Sockets.SOCKADDR_STORAGE_SIZE)) {
            throw new SyscallException(Errno.EINVAL);
        }
        return new MsgHdr(name, name == 0 ? 0 : nameLen, SysReadWrite.iovecs(mem, iov, iovLen), control, controlLen);
    }

    /**
     * __scm_send: walks the cmsghdrs (EINVAL for a malformed one). SOL_SOCKET's SCM_RIGHTS (AF_UNIX
     * only; EBADF for a bad descriptor; at most SCM_MAX_FD) and SCM_CREDENTIALS (EPERM for ids not
     * the caller's unless root) are kept; other levels are the protocol's and ignored here.
     */
    private static List<Control> readControl(Task t, Socket s, long control, long controlLen)
            throws SyscallException {
        if (controlLen < Sockets.CMSGHDR_SIZE) {
            // A control buffer too small for one header carries nothing (CMSG_FIRSTHDR is NULL).
            return List.of();
        }
        byte[] raw = t.memory().read(control, (int) Math.min(controlLen, 1 << 20));
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        List<Control> out = new ArrayList<>();
        try {
            for (int at = 0; at + Sockets.CMSGHDR_SIZE <= raw.length; ) {
                long len = b.getLong(at);
                int level = b.getInt(at + 8);
                int type = b.getInt(at + 12);
                if (len < Sockets.CMSGHDR_SIZE || len > raw.length - at) {
                    throw new SyscallException(Errno.EINVAL);
                }
                int dataLen = (int) len - Sockets.CMSGHDR_SIZE;
                if (level == Sockets.SOL_SOCKET) {
                    switch (type) {
                        case Sockets.SCM_RIGHTS -> {
                            Control r = rights(t, s, b, at + Sockets.CMSGHDR_SIZE, dataLen, rightsSoFar(out));
                            if (r != null) {
                                out.add(r);
                            }
                        }
                        case Sockets.SCM_CREDENTIALS -> out.add(credentials(t, b, at + Sockets.CMSGHDR_SIZE, dataLen));
                        default -> throw new SyscallException(Errno.EINVAL);
                    }
                }
                at += Sockets.cmsgAlign(len);
            }
        } catch (SyscallException e) {
            Control.releaseAll(out);
            throw e;
        }
        return mergeRights(out);
    }

    /** Files the SCM_RIGHTS messages parsed so far carry (scm_fp_copy appends to one list of at most SCM_MAX_FD). */
    private static int rightsSoFar(List<Control> out) {
        int n = 0;
        for (Control c : out) {
            if (c instanceof Control.Rights r) {
                n += r.files().size();
            }
        }
        return n;
    }

    /** Several SCM_RIGHTS cmsgs in one message travel as one list of files, as Linux's scm_fp_list. */
    private static List<Control> mergeRights(List<Control> out) {
        List<Control.Rights> rights = new ArrayList<>();
        List<Control> rest = new ArrayList<>();
        for (Control c : out) {
            if (c instanceof Control.Rights r) {
                rights.add(r);
            } else {
                rest.add(c);
            }
        }
        if (rights.size() <= 1) {
            return out;
        }
        List<OpenFile> all = new ArrayList<>();
        for (Control.Rights r : rights) {
            all.addAll(r.files());
            // The references move to the merged list: counted out here, in again by its constructor.
            r.handedOver();
        }
        rest.add(new Control.Rights(all, rights.get(0).inFlight()));
        return rest;
    }

    private static Control rights(Task t, Socket s, ByteBuffer b, int at, int dataLen, int before)
            throws SyscallException {
        if (s.family() != Sockets.AF_UNIX) {
            throw new SyscallException(Errno.EINVAL);
        }
        int n = dataLen / 4;
        if (n <= 0) {
            // scm_fp_copy: a SCM_RIGHTS with no descriptor carries nothing, and is no error.
            return null;
        }
        if (before + n > Sockets.SCM_MAX_FD) {
            throw new SyscallException(Errno.EINVAL);
        }
        List<OpenFile> files = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                OpenFile f = t.process().files().get(b.getInt(at + 4 * i));
                files.add(f.retain());
            }
        } catch (SyscallException e) {
            files.forEach(OpenFile::release);
            throw e;
        }
        var inFlight = t.process().filesInFlight();
        if (inFlight.get() > inFlightLimit(t)) {
            files.forEach(OpenFile::release);
            throw new SyscallException(Errno.ETOOMANYREFS);
        }
        return new Control.Rights(files, inFlight);
    }

    /** Privileged senders go past RLIMIT_NOFILE in Linux; here only this many times past, to keep host descriptors safe. */
    private static final int PRIVILEGED_IN_FLIGHT_FACTOR = 64;

    /**
     * too_many_unix_fds: a sender may have RLIMIT_NOFILE files in flight (checked before adding
     * the message's). Linux lets CAP_SYS_RESOURCE/CAP_SYS_ADMIN go past; jkraft lets root go
     * {@value #PRIVILEGED_IN_FLIGHT_FACTOR} times past, because an inet socket in flight holds a
     * host descriptor.
     */
    private static long inFlightLimit(Task t) {
        long soft = t.process().rlimit(dev.jkraft.kernel.abi.Rlimits.RLIMIT_NOFILE)[0];
        return t.process().credentials().euid() == 0 ? soft * PRIVILEGED_IN_FLIGHT_FACTOR : soft;
    }

    private static Control credentials(Task t, ByteBuffer b, int at, int dataLen) throws SyscallException {
        if (dataLen != Sockets.UCRED_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        Ucred mine = SysSocket.credentials(t);
        var c = t.process().credentials();
        Ucred claimed = new Ucred(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8));
        // scm_check_creds: one's own pid (or CAP_SYS_ADMIN), a uid one holds (real, effective or
        // saved; or CAP_SETUID) and a gid one holds (or CAP_SETGID).
        boolean pidOk = claimed.pid() == mine.pid() || c.capable(Capabilities.CAP_SYS_ADMIN);
        boolean uidOk = claimed.uid() == c.uid() || claimed.uid() == c.euid() || claimed.uid() == c.suid()
                || c.capable(Capabilities.CAP_SETUID);
        boolean gidOk = claimed.gid() == c.gid() || claimed.gid() == c.egid() || claimed.gid() == c.sgid()
                || c.capable(Capabilities.CAP_SETGID);
        if (!pidOk || !uidOk || !gidOk) {
            throw new SyscallException(Errno.EPERM);
        }
        return new Control.Credentials(claimed);
    }

    /**
     * put_cmsg and scm_detach_fds: credentials first, then descriptors, each truncated to the
     * room left (MSG_CTRUNC). Received files are installed (O_CLOEXEC with MSG_CMSG_CLOEXEC);
     * those that do not fit or cannot be installed are closed. Returns {bytes used, msg_flags bits}.
     */
    private static long[] writeControl(Task t, List<Control> control, long buf, long room, boolean cloexec)
            throws SyscallException {
        UserMemory mem = t.memory();
        long used = 0;
        int flags = 0;
        List<Control> ordered = new ArrayList<>();
        control.stream().filter(c -> c instanceof Control.Credentials).forEach(ordered::add);
        control.stream().filter(c -> c instanceof Control.Rights).forEach(ordered::add);
        for (Control c : ordered) {
            long left = room - used;
            if (c instanceof Control.Credentials cr) {
                byte[] data = cr.cred().toBytes();
                int len = Sockets.cmsgLen(data.length);
                if (buf == 0 || left < Sockets.CMSGHDR_SIZE) {
                    flags |= Sockets.MSG_CTRUNC;
                    continue;
                }
                int put = (int) Math.min(len, left);
                if (put < len) {
                    flags |= Sockets.MSG_CTRUNC;
                }
                mem.write(buf + used, cmsg(put, Sockets.SCM_CREDENTIALS, data, put - Sockets.CMSGHDR_SIZE));
                used += Math.min(Sockets.cmsgSpace(data.length), left);
            } else if (c instanceof Control.Rights r) {
                List<OpenFile> files = r.files();
                int fit = buf == 0 || left < Sockets.CMSGHDR_SIZE ? 0 : (int) Math.min(files.size(),
                        (left - Sockets.CMSGHDR_SIZE) / 4);
                FdTable table = t.process().files();
                List<Integer> fds = new ArrayList<>();
                int i = 0;
                for (; i < fit; i++) {
                    try {
                        fds.add(table.install(files.get(i), cloexec));
                    } catch (SyscallException e) {
                        break;
                    }
                    // The descriptor holds its own reference now; the message's goes.
                    files.get(i).release();
                }
                if (i < files.size()) {
                    flags |= Sockets.MSG_CTRUNC;
                    for (int j = i; j < files.size(); j++) {
                        files.get(j).release();
                    }
                }
                r.handedOver();
                if (!fds.isEmpty()) {
                    ByteBuffer d = ByteBuffer.allocate(fds.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                    fds.forEach(d::putInt);
                    int len = Sockets.cmsgLen(d.capacity());
                    mem.write(buf + used, cmsg(len, Sockets.SCM_RIGHTS, d.array(), d.capacity()));
                    used += Math.min(Sockets.cmsgSpace(d.capacity()), left);
                }
            }
        }
        return new long[] {used, flags};
    }

    private static byte[] cmsg(int len, int type, byte[] data, int dataLen) {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(len).putInt(Sockets.SOL_SOCKET).putInt(type);
        b.put(data, 0, Math.max(0, Math.min(dataLen, data.length)));
        return b.array();
    }
}
