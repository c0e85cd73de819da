package io.devsec.core.events;

import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsIdentity;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TrustAnchors;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.KeyGenerator;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and an in-process Moquette on loopback with mutual TLS, plus DevSec MQTT clients with
 * CA-issued identities. (A compact copy of the fixtures in {@code io.devsec.core}, which are
 * package-private there.)
 */
final class LoopbackMqtt implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final char[] STORE_PASSWORD = "loopback-store-pass".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private static final AtomicLong IDS = new AtomicLong();

    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Server server = new Server();
    private final Path dir;
    final int port;

    LoopbackMqtt(Path dir) throws Exception {
        this.dir = dir;
        caKeys = ecKeyPair();
        Instant now = Instant.now();
        X500Principal ca = new X500Principal("CN=Loopback Test CA");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), ca, caKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        caCert = sign(b);
        Path store = brokerKeyStore();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", "disabled");
        p.setProperty("ssl_port", Integer.toString(port));
        p.setProperty("jks_path", store.toString());
        p.setProperty("key_store_type", "pkcs12");
        p.setProperty("key_store_password", new String(STORE_PASSWORD));
        p.setProperty("key_manager_password", new String(STORE_PASSWORD));
        p.setProperty("need_client_auth", "true");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", dir.resolve("data").toString());
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.tcp_nodelay", "true");
        server.startServer(new MemoryConfig(p));
        await("broker listening", () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A started client for {@code deviceId} in {@code namespace}, MQTT 3.1.1, fast reconnects. */
    DeviceMqttClient client(String deviceId, TopicNamespace namespace, MessageValidator validator,
            TransportEventListener listener) throws Exception {
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Principal("CN=" + deviceId), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate cert = sign(b);
        DeviceTlsContext tls = DeviceTlsContext.create(TlsIdentity.of(kp.getPrivate(), List.of(cert, caCert)),
                TrustAnchors.of(List.of(caCert)), TlsSettings.MODERN);
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        long id = IDS.incrementAndGet();
        DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", port).deviceId(deviceId)
                .clientId(deviceId + "-" + id).namespace(namespace).tls(tls).protocol(MqttProtocol.MQTT_3_1_1)
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
                        .maxDelay(Duration.ofMillis(400)).firstConnectJitter(Duration.ZERO).build())
                .validator(validator).listener(listener)
                .outbox(OutboxSettings.of(dir.resolve("outbox-" + id), OutboxKey.of(g.generateKey()))).build();
        c.start();
        if (!c.awaitConnected(WAIT)) {
            throw new AssertionError("client " + deviceId + " did not connect");
        }
        return c;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    @Override
    public void close() {
        server.stopServer();
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private Path brokerKeyStore() throws Exception {
        Files.createDirectories(dir);
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        PublicKey key = kp.getPublic();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Principal("CN=localhost"), key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate server = sign(b);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", kp.getPrivate(), STORE_PASSWORD, new X509Certificate[] {server, caCert});
        ks.setCertificateEntry("ca", caCert);
        Path file = dir.resolve("broker.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, STORE_PASSWORD);
        }
        return file;
    }
}
