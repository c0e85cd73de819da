package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.TestTlsServer;
import io.devsec.transport.testing.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9.1: a pin is satisfied only by a certificate of the path PKIX validation built from the
 * presented leaf to a trust anchor (or that anchor, matched by key), never by a certificate the
 * server merely appended to its chain.
 */
class PinnedPathTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static TestCa ca;
    static TestCa.Issued device;
    static TestCa.Issued pinnedLeaf;
    static TestCa.Issued attackerLeaf;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestCa.create("DevSec Pinning CA");
        device = ca.device("device-1");
        pinnedLeaf = ca.server("localhost");
        // A certificate the CA should never have issued: same name, the attacker's key.
        attackerLeaf = ca.server("localhost");
    }

    static TlsSettings pinningLeaf() {
        return TlsSettings.builder().pin(PublicKeyPin.of(pinnedLeaf.certificate())).build();
    }

    static DeviceTlsContext client(TlsSettings settings, X509Certificate... anchors) throws Exception {
        return DeviceTlsContext.create(TlsIdentity.of(device.privateKey(), device.chain()),
                TrustAnchors.of(List.of(anchors.length == 0 ? new X509Certificate[] {ca.caCertificate()} : anchors)), settings);
    }

    static int readFirstByte(SSLSocket s) throws IOException {
        try (s) {
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        }
    }

    static PeerPinMismatchException pinMismatch(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PeerPinMismatchException p) {
                return p;
            }
        }
        return null;
    }

    @Test
    void connect_pinnedLeafAlone_succeeds() throws Exception {
        try (TestTlsServer server = new TestTlsServer(
                TestCa.presentingContext(pinnedLeaf.privateKey(), pinnedLeaf.certificate()), false)) {
            assertThat(readFirstByte(client(pinningLeaf()).connect("localhost", server.port()))).isEqualTo('K');
        }
    }

    @Test
    void connect_pinnedLeafAppendedAfterAttackerLeaf_throwsPeerPinMismatch() throws Exception {
        try (TestTlsServer server = new TestTlsServer(TestCa.presentingContext(attackerLeaf.privateKey(),
                attackerLeaf.certificate(), pinnedLeaf.certificate()), false)) {
            assertThatThrownBy(() -> readFirstByte(client(pinningLeaf()).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> {
                        PeerPinMismatchException p = pinMismatch(e);
                        assertThat(p).isNotNull();
                        assertThat(p.peerPins()).containsExactly(PublicKeyPin.of(attackerLeaf.certificate()),
                                PublicKeyPin.of(ca.caCertificate()));
                    });
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_pinnedLeafDuplicatedAndOutOfOrderAfterAttackerLeaf_throwsPeerPinMismatch() throws Exception {
        try (TestTlsServer server = new TestTlsServer(TestCa.presentingContext(attackerLeaf.privateKey(),
                attackerLeaf.certificate(), ca.caCertificate(), pinnedLeaf.certificate(), pinnedLeaf.certificate(),
                ca.caCertificate()), false)) {
            assertThatThrownBy(() -> readFirstByte(client(pinningLeaf()).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(pinMismatch(e)).isNotNull());
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_pinnedAnchorSharingItsNameWithTheValidatingAnchor_throwsPeerPinMismatch() throws Exception {
        // Two trusted CAs with the same name; only B is pinned. A leaf from A must not pass as B's.
        TestCa a = TestCa.create("Shared Name CA");
        TestCa b = TestCa.create("Shared Name CA");
        TestCa.Issued leafFromA = a.server("localhost");
        TlsSettings pinB = TlsSettings.builder().pin(PublicKeyPin.of(b.caCertificate())).build();
        try (TestTlsServer server = new TestTlsServer(
                TestCa.presentingContext(leafFromA.privateKey(), leafFromA.certificate()), false)) {
            assertThatThrownBy(() -> readFirstByte(
                    client(pinB, a.caCertificate(), b.caCertificate()).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(pinMismatch(e)).isNotNull());
        }
        TestCa.Issued leafFromB = b.server("localhost");
        try (TestTlsServer server = new TestTlsServer(
                TestCa.presentingContext(leafFromB.privateKey(), leafFromB.certificate()), false)) {
            assertThat(readFirstByte(client(pinB, a.caCertificate(), b.caCertificate()).connect("localhost", server.port())))
                    .isEqualTo('K');
        }
    }

    // ------------------------------------------------------------------ the same through the MQTT client

    static final class Events implements TransportEventListener {
        final List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void securityEvent(TransportSecurityEvent event) {
            events.add(event);
        }
    }

    DeviceMqttClient.Builder mqtt(int port, Events events) throws Exception {
        return DeviceMqttClient.builder().broker("localhost", port).deviceId("device-1").tls(client(pinningLeaf()))
                .protocol(MqttProtocol.MQTT_5).listener(events).random(new Random(7))
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(400))
                        .firstConnectJitter(Duration.ZERO).build())
                .outbox(OutboxSettings.of(dir.resolve("outbox"), OutboxKey.of(new SecretKeySpec(new byte[32], "AES"))));
    }

    @Test
    void mqttConnect_pinnedLeafAppendedAfterAttackerLeaf_isRefusedWithPeerRefusedEvent() throws Exception {
        Events events = new Events();
        try (TestTlsServer server = new TestTlsServer(TestCa.presentingContext(attackerLeaf.privateKey(),
                attackerLeaf.certificate(), pinnedLeaf.certificate()), false);
                DeviceMqttClient c = mqtt(server.port(), events).build()) {
            c.start();
            Waits.until(WAIT, "a PEER_REFUSED event", () -> !events.events.isEmpty());
            TransportSecurityEvent e = events.events.get(0);
            assertThat(e.type()).isEqualTo(TransportSecurityEvent.Type.PEER_REFUSED);
            assertThat(e.cause()).get().isInstanceOf(PeerPinMismatchException.class);
            assertThat(server.handshakes()).isZero();
            assertThat(c.state()).isNotEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void mqttConnect_pinnedLeafAlone_completesTheHandshake() throws Exception {
        Events events = new Events();
        try (TestTlsServer server = new TestTlsServer(
                TestCa.presentingContext(pinnedLeaf.privateKey(), pinnedLeaf.certificate()), false);
                DeviceMqttClient c = mqtt(server.port(), events).build()) {
            c.start();
            // The raw TLS server speaks no MQTT: a completed handshake is what the pin allowed.
            Waits.until(WAIT, "a TLS handshake", () -> server.handshakes() >= 1);
            assertThat(events.events).extracting(TransportSecurityEvent::type)
                    .doesNotContain(TransportSecurityEvent.Type.PEER_REFUSED);
        }
    }
}
