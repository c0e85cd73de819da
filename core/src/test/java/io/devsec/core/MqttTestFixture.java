package io.devsec.core;

import io.devsec.testkit.MoquetteBroker;
import io.devsec.testkit.TestCa;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsIdentity;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TrustAnchors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared set-up of the facade's MQTT tests: per test class one test CA ({@link TestCa}) and one embedded
 * Moquette with mutual TLS ({@link MoquetteBroker}), started before all tests and stopped after them. Register it with
 * {@code @RegisterExtension static final MqttTestFixture MQTT = new MqttTestFixture("CA name", "client-id-prefix-");}.
 */
final class MqttTestFixture implements BeforeAllCallback, AfterAllCallback {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
            .maxDelay(Duration.ofMillis(400)).firstConnectJitter(Duration.ZERO).build();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String caName;
    private final String clientIdPrefix;
    private Path folder;
    private TestCa pki;
    private MoquetteBroker broker;

    MqttTestFixture(String caName, String clientIdPrefix) {
        this.caName = caName;
        this.clientIdPrefix = clientIdPrefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        folder = Files.createTempDirectory("devsec-mqtt-test-");
        pki = TestCa.create(caName);
        broker = MoquetteBroker.start(folder.resolve("broker"), pki);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            broker = null;
            deleteTree(folder);
        }
    }

    TestCa pki() {
        return pki;
    }

    int port() {
        return broker.port();
    }

    /** Makes the broker drop the connection of {@code clientId}; false when it is not connected. */
    boolean disconnect(String clientId) {
        return broker.disconnect(clientId);
    }

    /** Installs a chain for the device's CSR from the test CA, valid for {@code validity}. */
    void issue(DeviceSecurity device, Duration validity) throws Exception {
        device.installCertificateChain(pki.signCsr(device.certificateSigningRequestDer(), validity));
    }

    /** Device settings for the broker: trust the test CA, MQTT 3.1.1, fast reconnects, a fresh client id. */
    MqttSettings.Builder settings() {
        return settings(port());
    }

    /** As {@link #settings()} but for another port (a dead one, to test the offline outbox). */
    MqttSettings.Builder settings(int port) {
        return MqttSettings.builder("localhost", port, TrustAnchors.of(List.of(pki.caCertificate())))
                .protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(FAST).clientId(clientIdPrefix + IDS.incrementAndGet());
    }

    /**
     * The back end: a started, connected client with a CA-issued identity that may use every device's topics; its
     * outbox is a fresh folder under {@code parent}.
     */
    DeviceMqttClient cloud(Path parent) throws Exception {
        Instant now = Instant.now();
        TestCa.Issued cloud = pki.leaf("cloud").validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).issue();
        DeviceTlsContext tls = DeviceTlsContext.create(TlsIdentity.of(cloud.privateKey(), cloud.chain()),
                TrustAnchors.of(List.of(pki.caCertificate())), TlsSettings.MODERN);
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        int id = IDS.incrementAndGet();
        DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", port()).deviceId("cloud")
                .clientId("cloud-" + id).namespace(TopicNamespace.withPrefix("devices/")).tls(tls)
                .protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(FAST)
                .outbox(OutboxSettings.of(parent.resolve("cloud-outbox-" + id), OutboxKey.of(g.generateKey())))
                .build();
        c.start();
        if (!c.awaitConnected(WAIT)) {
            c.close();
            throw new AssertionError("the cloud client did not connect within " + WAIT);
        }
        return c;
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the folder is under the system's temporary folder.
        }
    }
}
