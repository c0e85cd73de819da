package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.Requirements;
import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.TestTlsServer;
import io.devsec.transport.testing.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceTlsContextTest {
    static TestCa ca;
    static TestCa otherCa;
    static TestCa.Issued device;
    static TestCa.Issued goodServer;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestCa.create("DevSec Test CA");
        otherCa = TestCa.create("Stranger CA");
        device = ca.device("device-1");
        goodServer = ca.server("localhost");
    }

    static DeviceTlsContext client(TlsSettings settings) throws Exception {
        return DeviceTlsContext.create(TlsIdentity.of(device.privateKey(), device.chain()),
                TrustAnchors.of(List.of(ca.caCertificate())), settings);
    }

    static int readFirstByte(SSLSocket s) throws IOException {
        try (s) {
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        }
    }

    static Throwable rootCauseOfType(Throwable t, Class<?> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    @Test
    void modern_enablesOnlyTls13And12AndAeadEcdheSuites() throws Exception {
        DeviceTlsContext ctx = client(TlsSettings.MODERN);
        assertThat(ctx.enabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(ctx.enabledCipherSuites()).isNotEmpty().allSatisfy(s -> assertThat(s)
                .matches("TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256|ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256))"));
        SSLSocket s = (SSLSocket) ctx.socketFactory().createSocket();
        assertThat(s.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(s.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        s.close();
    }

    @Test
    void settings_legacyProtocolWithoutInsecureOptIn_isRejected() {
        assertThatThrownBy(() -> TlsSettings.builder().protocols("TLSv1.1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("protocols").hasMessageContaining("insecure");
        assertThatThrownBy(() -> TlsSettings.builder().cipherSuites("TLS_RSA_WITH_AES_128_CBC_SHA").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cipherSuites");
        assertThat(TlsSettings.builder().insecureAllowLegacyProtocolsAndSuites().protocols("TLSv1.1").build()
                .insecureLegacyAllowed()).isTrue();
    }

    @Test
    void connect_trustedServerWithMatchingName_succeeds() throws Exception {
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), false)) {
            SSLSocket s = client(TlsSettings.MODERN).connect("localhost", server.port());
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(readFirstByte(s)).isEqualTo('K');
        }
    }

    @Test
    void connect_tls12OnlyServer_succeedsWithAeadSuite() throws Exception {
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), false, "TLSv1.2")) {
            SSLSocket s = client(TlsSettings.MODERN).connect("localhost", server.port());
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(s.getSession().getCipherSuite()).contains("_GCM_");
            assertThat(readFirstByte(s)).isEqualTo('K');
        }
    }

    @Test
    void connect_expiredServerCertificate_throwsHandshakeExceptionCausedByExpiry() throws Exception {
        TestCa.Issued expired = ca.expiredServer("localhost");
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(expired, ca.caCertificate()), false)) {
            assertThatThrownBy(() -> client(TlsSettings.MODERN).connect("localhost", server.port()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(rootCauseOfType(e, CertificateExpiredException.class)).isNotNull());
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_wrongHostName_throwsHandshakeExceptionNamingTheHost() throws Exception {
        TestCa.Issued other = ca.server("broker.example.net");
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(other, ca.caCertificate()), false)) {
            assertThatThrownBy(() -> client(TlsSettings.MODERN).connect("localhost", server.port()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(rootCauseOfType(e, CertificateException.class)).isNotNull())
                    .hasMessageContaining("localhost");
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_serverFromUntrustedCa_throwsHandshakeExceptionWithoutPath() throws Exception {
        TestCa.Issued stranger = otherCa.server("localhost");
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(stranger, ca.caCertificate()), false)) {
            assertThatThrownBy(() -> client(TlsSettings.MODERN).connect("localhost", server.port()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(rootCauseOfType(e, CertPathBuilderException.class)).isNotNull());
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_pinMismatch_throwsPeerPinMismatchNamingPeerPins() throws Exception {
        PublicKeyPin unrelated = PublicKeyPin.of(TestCa.ecKeyPair().getPublic());
        TlsSettings pinned = TlsSettings.builder().pin(unrelated).build();
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), false)) {
            assertThatThrownBy(() -> client(pinned).connect("localhost", server.port()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> {
                        PeerPinMismatchException p = (PeerPinMismatchException) rootCauseOfType(e, PeerPinMismatchException.class);
                        assertThat(p).isNotNull();
                        assertThat(p.peerPins()).contains(PublicKeyPin.of(goodServer.certificate()),
                                PublicKeyPin.of(ca.caCertificate()));
                        assertThat(p.expectedPins()).containsExactly(unrelated);
                        assertThat(p.getMessage()).contains(PublicKeyPin.of(goodServer.certificate()).toString());
                    });
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_pinOfIssuingCa_succeeds() throws Exception {
        TlsSettings pinned = TlsSettings.builder()
                .pin(PublicKeyPin.parse(PublicKeyPin.of(ca.caCertificate()).toString())).build();
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), false)) {
            assertThat(readFirstByte(client(pinned).connect("localhost", server.port()))).isEqualTo('K');
        }
    }

    @Test
    void connect_serverRequiringClientCertificate_refusesContextWithoutIdentity() throws Exception {
        DeviceTlsContext anonymous = DeviceTlsContext.createWithoutClientIdentity(
                TrustAnchors.of(List.of(ca.caCertificate())), TlsSettings.MODERN);
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), true)) {
            // TLS 1.3: the client may finish its side before the server's refusal arrives; either way it is refused.
            assertThatThrownBy(() -> readFirstByte(anonymous.connect("localhost", server.port())))
                    .isInstanceOf(SSLException.class).hasMessageContaining("certificate");
            assertThat(server.handshakes()).isZero();
        }
    }

    @Test
    void connect_serverRequiringClientCertificate_acceptsDeviceIdentity() throws Exception {
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), true)) {
            assertThat(readFirstByte(client(TlsSettings.MODERN).connect("localhost", server.port()))).isEqualTo('K');
            Waits.until(Duration.ofSeconds(5), "server handshake", () -> server.handshakes() == 1);
        }
    }

    @Test
    void sslContext_socketWithHostnameVerificationTurnedOff_isRefusedByTrustManager() throws Exception {
        DeviceTlsContext ctx = client(TlsSettings.MODERN);
        try (TestTlsServer server = new TestTlsServer(TestCa.serverContext(goodServer, ca.caCertificate()), false);
                SSLSocket s = (SSLSocket) ctx.sslContext().getSocketFactory().createSocket("localhost", server.port())) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm(null);
            s.setSSLParameters(p);
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("host name verification");
        }
    }

    @Test
    void connect_tls11OnlyServer_isRefused(@TempDir Path dir) throws Exception {
        Path openssl = Requirements.requireExecutable("openssl", "/usr/bin/openssl", "/usr/local/bin/openssl");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        TestCa.writePem(cert, goodServer.certificate(), ca.caCertificate());
        TestCa.writePem(key, goodServer.privateKey());
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Process p = new ProcessBuilder(openssl.toString(), "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
                "-key", key.toString(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-quiet")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            final int fport = port;
            boolean up = Waits.tryUntil(Duration.ofSeconds(10), () -> {
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), fport)) {
                    return probe.isConnected();
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(up).as("openssl s_server listening; log: %s", java.nio.file.Files.readString(dir.resolve("openssl.log")))
                    .isTrue();
            assertThatThrownBy(() -> client(TlsSettings.MODERN).connect("localhost", fport))
                    .isInstanceOf(SSLHandshakeException.class);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
