package dev.jkraft.kernel.socket.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Netlink;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.HostInterfaces;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dumps larger than one datagram, as netlink_dump spreads them; the guest test sees only small ones. */
class NetlinkSocketTest {
    private static final Ucred ME = new Ucred(42, 1000, 1000);

    private static List<HostInterfaces.Interface> many(int n) throws Exception {
        List<HostInterfaces.Interface> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var a = new HostInterfaces.Address(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}),
                    24, null);
            out.add(new HostInterfaces.Interface("veth" + i, i + 2, HostInterfaces.IFF_UP, 1500,
                    HostInterfaces.ARPHRD_ETHER, new byte[] {2, 0, 0, 0, 0, (byte) i}, List.of(a)));
        }
        return out;
    }

    private static byte[] dumpRequest(int type, int seq) {
        return ByteBuffer.allocate(Netlink.NLMSG_HDRLEN + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(Netlink.NLMSG_HDRLEN + 4).putShort((short) type)
                .putShort((short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)).putInt(seq).putInt(0).putInt(0)
                .array();
    }

    private static Socket open(NetlinkFamily f) throws SyscallException {
        return f.create(Sockets.SOCK_RAW, Netlink.NETLINK_ROUTE, 0, ME);
    }

    /** The message types in one datagram, checking that each is whole and carries the seq and port id. */
    private static List<Integer> types(byte[] d, int seq, int portid) {
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> out = new ArrayList<>();
        for (int off = 0; off < d.length; ) {
            int len = b.getInt(off);
            assertThat(len).isBetween(Netlink.NLMSG_HDRLEN, d.length - off);
            assertThat(b.getInt(off + Netlink.NLMSG_SEQ)).isEqualTo(seq);
            assertThat(b.getInt(off + Netlink.NLMSG_PID)).isEqualTo(portid);
            out.add((int) b.getShort(off + Netlink.NLMSG_TYPE));
            off += Netlink.align(len);
        }
        return out;
    }

    @Test
    void aLargeDumpComesInSeveralDatagramsEndingWithDone() throws Exception {
        NetlinkFamily f = new NetlinkFamily(() -> {
            try {
                return many(300);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Socket s = open(f);
        s.send(Outgoing.of(dumpRequest(Netlink.RTM_GETLINK, 9), ME), 0, true);
        List<Integer> all = new ArrayList<>();
        int datagrams = 0;
        while (all.isEmpty() || all.getLast() != Netlink.NLMSG_DONE) {
            Received r = s.receive(65536, 0, true);
            // The first datagram is made before any recvmsg: NLMSG_GOODSIZE; later ones as large as
            // the buffer recvmsg was given, capped.
            assertThat(r.data().length).isLessThanOrEqualTo(
                    datagrams == 0 ? NetlinkSocket.NLMSG_GOODSIZE : NetlinkSocket.MAX_RECVMSG_LEN);
            assertThat(r.flags()).isZero();
            all.addAll(types(r.data(), 9, 42));
            datagrams++;
        }
        assertThat(datagrams).isGreaterThan(1);
        assertThat(all).hasSize(301);
        assertThat(all.subList(0, 300)).containsOnly(Netlink.RTM_NEWLINK);
        assertThat(catchThrowableOfType(SyscallException.class, () -> s.receive(65536, 0, true)).errno())
                .isEqualTo(Errno.EAGAIN);
        s.release();
    }

    @Test
    void aSecondDumpWhileOneRunsIsEbusyAndATruncatedReadSaysSo() throws Exception {
        NetlinkFamily f = new NetlinkFamily(() -> {
            try {
                return many(100);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Socket s = open(f);
        byte[] one = dumpRequest(Netlink.RTM_GETADDR, 5);
        byte[] two = ByteBuffer.allocate(one.length * 2).put(one).put(dumpRequest(Netlink.RTM_GETLINK, 6)).array();
        s.send(Outgoing.of(two, ME), 0, true);
        Received first = s.receive(20, 0, true);
        assertThat(first.data()).hasSize(20);
        assertThat(first.fullLength()).isGreaterThan(20);
        assertThat(first.flags()).isEqualTo(Sockets.MSG_TRUNC);
        Received busy = s.receive(65536, 0, true);
        ByteBuffer b = ByteBuffer.wrap(busy.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(Netlink.NLMSG_TYPE)).isEqualTo((short) Netlink.NLMSG_ERROR);
        assertThat(b.getInt(Netlink.NLMSG_HDRLEN)).isEqualTo(-Errno.EBUSY);
        assertThat(b.getInt(Netlink.NLMSG_SEQ)).isEqualTo(6);
        s.release();
    }
}
