package dev.jkraft.kernel.socket.inet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/**
 * The premise of the inet family: guest threads are interrupted for signals, and a JDK channel
 * closes itself when its thread is interrupted in a blocking operation. In non-blocking mode,
 * which is the only mode the family uses, an operation called with the interrupt flag set leaves
 * the channel open (and the flag set).
 */
class NonBlockingInterruptTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void nonBlockingOperationsWithTheInterruptFlagSetKeepChannelsOpen() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open();
                SocketChannel client = SocketChannel.open();
                DatagramChannel udp = DatagramChannel.open()) {
            server.configureBlocking(false);
            client.configureBlocking(false);
            udp.configureBlocking(false);
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            udp.bind(new InetSocketAddress(LOOPBACK, 0));

            Thread.currentThread().interrupt();
            try {
                client.connect(server.getLocalAddress());
                assertThat(client.isOpen()).as("after connect").isTrue();
                while (!client.finishConnect()) {
                    Thread.onSpinWait();
                }
                SocketChannel accepted = null;
                while (accepted == null) {
                    accepted = server.accept();
                }
                assertThat(server.isOpen()).as("after accept").isTrue();
                accepted.configureBlocking(false);
                assertThat(accepted.read(ByteBuffer.allocate(16))).isZero();
                assertThat(accepted.isOpen()).as("after an empty read").isTrue();
                assertThat(client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isEqualTo(3);
                assertThat(client.isOpen()).as("after a write").isTrue();
                assertThat(udp.receive(ByteBuffer.allocate(16))).isNull();
                udp.send(ByteBuffer.wrap(new byte[] {4}), udp.getLocalAddress());
                assertThat(udp.isOpen()).as("after datagram receive and send").isTrue();
                assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
                accepted.close();
            } finally {
                Thread.interrupted();
            }
        }
    }
}
