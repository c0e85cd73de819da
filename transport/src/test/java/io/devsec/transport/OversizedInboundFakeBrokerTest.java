package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9.6 over both protocol versions, against a broker that ignores the Maximum Packet Size:
 * a raw TLS server answers CONNECT with CONNACK and then announces a 200 MiB PUBLISH. The client
 * must refuse it from the fixed header (event, connection closed, reconnect) instead of handing
 * the length to Paho, which would allocate the whole packet and wait for its body.
 */
class OversizedInboundFakeBrokerTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Accepts connections, reads CONNECT, answers CONNACK, then sends the header of a huge PUBLISH. */
    static final class HostileBroker implements AutoCloseable {
        final SSLServerSocket server;
        final AtomicInteger connections = new AtomicInteger();
        final List<byte[]> connects = new CopyOnWriteArrayList<>();

        HostileBroker(TestCa ca, MqttProtocol protocol) throws Exception {
            server = (SSLServerSocket) TestCa.serverContext(ca.server("localhost"), ca.caCertificate()).getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        connections.incrementAndGet();
                        InputStream in = s.getInputStream();
                        connects.add(readPacket(in));
                        OutputStream out = s.getOutputStream();
                        out.write(protocol == MqttProtocol.MQTT_5 ? new byte[] {0x20, 0x03, 0x00, 0x00, 0x00}
                                : new byte[] {0x20, 0x02, 0x00, 0x00});
                        // PUBLISH QoS 0 announcing a remaining length of 200 MiB, and a little of its body
                        out.write(hugePublishHeader(200 * 1024 * 1024));
                        out.write(new byte[64]);
                        out.flush();
                        // Keep the connection until the client closes it.
                        while (in.read() >= 0) {
                            // discard
                        }
                    } catch (IOException e) {
                        // the client hung up
                    }
                }
            }, "hostile-broker");
            t.setDaemon(true);
            t.start();
        }

        static byte[] hugePublishHeader(int remaining) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(0x30);
            int x = remaining;
            do {
                int digit = x % 128;
                x /= 128;
                o.write(x > 0 ? digit | 0x80 : digit);
            } while (x > 0);
            return o.toByteArray();
        }

        static byte[] readPacket(InputStream in) throws IOException {
            DataInputStream d = new DataInputStream(in);
            int first = d.readUnsignedByte();
            int len = 0;
            int shift = 0;
            int b;
            do {
                b = d.readUnsignedByte();
                len |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            byte[] body = new byte[len];
            d.readFully(body);
            return body;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(MqttProtocol.class)
    void hugePublishHeader_isRefusedBeforeAllocation_withEventAndReconnect(MqttProtocol protocol) throws Exception {
        TestCa ca = TestCa.create("DevSec Hostile Broker CA");
        TestCa.Issued device = ca.device("dev-1");
        List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();
        TransportEventListener l = new TransportEventListener() {
            @Override
            public void securityEvent(TransportSecurityEvent event) {
                events.add(event);
            }
        };
        try (HostileBroker broker = new HostileBroker(ca, protocol);
                DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", broker.port()).deviceId("dev-1")
                        .tls(DeviceTlsContext.create(TlsIdentity.of(device.privateKey(), device.chain()),
                                TrustAnchors.of(List.of(ca.caCertificate())), TlsSettings.MODERN))
                        .protocol(protocol).listener(l).random(new Random(3))
                        .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
                                .maxDelay(Duration.ofMillis(200)).firstConnectJitter(Duration.ZERO).build())
                        .outbox(OutboxSettings.of(dir.resolve("outbox"), OutboxKey.of(new SecretKeySpec(new byte[32], "AES"))))
                        .build()) {
            c.start();
            Waits.until(WAIT, "two refusals and a reconnect; events " + events,
                    () -> events.size() >= 2 && broker.connections.get() >= 2);
            TransportSecurityEvent e = events.get(0);
            assertThat(e.type()).isEqualTo(TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED);
            assertThat(e.cause()).get().isInstanceOfSatisfying(InboundPacketTooLargeException.class, x -> {
                assertThat(x.remainingLength()).isEqualTo(200L * 1024 * 1024);
                assertThat(x.limit()).isEqualTo(256L * 1024 + DeviceMqttClient.INBOUND_HEADER_ROOM);
            });
            if (protocol == MqttProtocol.MQTT_5) {
                // CONNECT property 0x27 Maximum Packet Size = limit + 5 (type byte and up to four length bytes).
                long want = 256L * 1024 + DeviceMqttClient.INBOUND_HEADER_ROOM + 5;
                byte[] connect = broker.connects.get(0);
                byte[] prop = ByteBuffer.allocate(5).put((byte) 0x27).putInt((int) want).array();
                assertThat(indexOf(connect, prop)).as("Maximum Packet Size %d in CONNECT", want).isNotNegative();
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
