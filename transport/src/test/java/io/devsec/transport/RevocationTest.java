package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.TestTlsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9.8: broker certificate revocation through CRLs the device holds (PKIXRevocationChecker). */
class RevocationTest {
    static TestCa ca;
    static TestCa.Issued device;
    static TestCa.Issued revokedServer;
    static TestCa.Issued goodServer;
    static X509CRL crl;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestCa.create("DevSec Revocation CA");
        device = ca.device("device-1");
        revokedServer = ca.server("localhost");
        goodServer = ca.server("localhost");
        crl = ca.crl(revokedServer.certificate());
    }

    static DeviceTlsContext client(TlsSettings settings) throws Exception {
        return DeviceTlsContext.create(TlsIdentity.of(device.privateKey(), device.chain()),
                TrustAnchors.of(List.of(ca.caCertificate())), settings);
    }

    static TlsSettings withCrl() {
        return TlsSettings.builder().revocation(RevocationSettings.builder().crls(List.of(crl)).build()).build();
    }

    static int readFirstByte(SSLSocket s) throws IOException {
        try (s) {
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        }
    }

    static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static TestTlsServer serve(TestCa.Issued server) throws Exception {
        return new TestTlsServer(TestCa.serverContext(server, ca.caCertificate()), false);
    }

    @Test
    void connect_revokedBrokerCertificateOnHeldCrl_throwsPeerCertificateRevoked() throws Exception {
        try (TestTlsServer server = serve(revokedServer)) {
            assertThatThrownBy(() -> readFirstByte(client(withCrl()).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> {
                        PeerCertificateRevokedException r = cause(e, PeerCertificateRevokedException.class);
                        assertThat(r).as("cause chain of %s", e).isNotNull();
                        assertThat(r.serialNumber()).isEqualTo(revokedServer.certificate().getSerialNumber());
                        assertThat(r.reason()).get().asString().containsIgnoringCase("KEY_COMPROMISE");
                        assertThat(r.revocationDate()).isPresent();
                    });
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_revokedBrokerCertificateWithCrlFromFile_throwsPeerCertificateRevoked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ca.crl");
        Files.write(file, crl.getEncoded());
        TlsSettings s = TlsSettings.builder().revocation(RevocationSettings.builder().crlFile(file).build()).build();
        try (TestTlsServer server = serve(revokedServer)) {
            assertThatThrownBy(() -> readFirstByte(client(s).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(cause(e, PeerCertificateRevokedException.class)).isNotNull());
        }
    }

    @Test
    void connect_unrevokedBrokerCertificate_succeeds() throws Exception {
        try (TestTlsServer server = serve(goodServer)) {
            assertThat(readFirstByte(client(withCrl()).connect("localhost", server.port()))).isEqualTo('K');
        }
    }

    @Test
    void connect_revocationOnButNoCrlFromTheIssuer_failsClosed() throws Exception {
        TestCa other = TestCa.create("Unrelated CA");
        TlsSettings s = TlsSettings.builder()
                .revocation(RevocationSettings.builder().crls(List.of(other.crl())).build()).build();
        try (TestTlsServer server = serve(goodServer)) {
            assertThatThrownBy(() -> readFirstByte(client(s).connect("localhost", server.port())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(cause(e, CertificateException.class)).hasMessageContaining("revocation"));
        }
    }

    @Test
    void mqttConnect_revokedBroker_isRefusedWithPeerRefusedEvent(@TempDir Path dir) throws Exception {
        List<TransportSecurityEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TransportEventListener l = new TransportEventListener() {
            @Override
            public void securityEvent(TransportSecurityEvent event) {
                events.add(event);
            }
        };
        try (TestTlsServer server = serve(revokedServer);
                DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", server.port()).deviceId("device-1")
                        .tls(client(withCrl())).listener(l).random(new java.util.Random(5))
                        .reconnectPolicy(ReconnectPolicy.builder().initialDelay(java.time.Duration.ofMillis(50))
                                .maxDelay(java.time.Duration.ofMillis(400)).firstConnectJitter(java.time.Duration.ZERO).build())
                        .outbox(OutboxSettings.of(dir.resolve("outbox"),
                                OutboxKey.of(new javax.crypto.spec.SecretKeySpec(new byte[32], "AES"))))
                        .build()) {
            c.start();
            io.devsec.transport.testing.Waits.until(java.time.Duration.ofSeconds(20), "a PEER_REFUSED event",
                    () -> !events.isEmpty());
            assertThat(events.get(0).type()).isEqualTo(TransportSecurityEvent.Type.PEER_REFUSED);
            assertThat(events.get(0).cause()).get().isInstanceOf(PeerCertificateRevokedException.class);
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void defaults_revocationOff_revokedCertificateStillConnectsAndSettingsSaySo() throws Exception {
        assertThat(TlsSettings.MODERN.revocation()).isSameAs(RevocationSettings.OFF);
        assertThat(TlsSettings.MODERN.revocation().describe()).isEqualTo("off");
        assertThat(withCrl().revocation().describe()).isEqualTo("CRL (1 list), hard-fail, whole path");
        assertThat(withCrl().toString()).contains("revocation=CRL");
        assertThatThrownBy(() -> RevocationSettings.builder().build()).isInstanceOf(IllegalArgumentException.class);
        try (TestTlsServer server = serve(revokedServer)) {
            assertThat(readFirstByte(client(TlsSettings.MODERN).connect("localhost", server.port()))).isEqualTo('K');
        }
    }
}
