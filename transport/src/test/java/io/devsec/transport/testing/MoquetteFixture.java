package io.devsec.transport.testing;

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
import io.devsec.transport.TrustAnchors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test CA, one embedded Moquette (TLS, client certificates required) and one outbox key per test class.
 * Register it as {@code @RegisterExtension static final MoquetteFixture moquette = new MoquetteFixture("... CA");}:
 * the broker starts before the first test of the class and stops (and its directory is deleted) after the last.
 */
public final class MoquetteFixture implements BeforeAllCallback, AfterAllCallback {
    /** Reconnects quickly and without a first-connect jitter, so tests do not wait on back-off. */
    public static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
            .maxDelay(Duration.ofMillis(400)).firstConnectJitter(Duration.ZERO).build();

    private final String caName;
    private final AtomicInteger ids = new AtomicInteger();
    private Path dir;
    private TestCa ca;
    private MoquetteBroker broker;
    private OutboxKey outboxKey;

    public MoquetteFixture(String caName) {
        this.caName = caName;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("devsec-moquette-");
        ca = TestCa.create(caName);
        broker = new MoquetteBroker(dir, ca, ca.server("localhost"));
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        outboxKey = OutboxKey.of(g.generateKey());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            broker = null;
            if (dir != null) {
                deleteRecursively(dir);
                dir = null;
            }
        }
    }

    public TestCa ca() {
        return ca;
    }

    public MoquetteBroker broker() {
        return broker;
    }

    public OutboxKey outboxKey() {
        return outboxKey;
    }

    /** A device id unique in this run: {@code prefix-<n>-<nanotime hex>}. */
    public String newDeviceId(String prefix) {
        return prefix + "-" + ids.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    /** Mutual TLS for {@code id}: a fresh device certificate from the test CA, trusting only that CA. */
    public DeviceTlsContext tlsFor(String id) throws Exception {
        TestCa.Issued d = ca.device(id);
        return DeviceTlsContext.create(TlsIdentity.of(d.privateKey(), d.chain()), TrustAnchors.of(List.of(ca.caCertificate())),
                TlsSettings.MODERN);
    }

    /**
     * A client of this broker over MQTT 3.1.1 with {@link #FAST} reconnects, a unique client id and an outbox in
     * {@code outboxDir}; callers add the listener, random source and anything else.
     */
    public DeviceMqttClient.Builder client(String id, DeviceTlsContext tls, Path outboxDir) {
        return DeviceMqttClient.builder().broker("localhost", broker.port()).deviceId(id).clientId(id + "-" + ids.incrementAndGet())
                .tls(tls).protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(FAST)
                .outbox(OutboxSettings.of(outboxDir, outboxKey));
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
