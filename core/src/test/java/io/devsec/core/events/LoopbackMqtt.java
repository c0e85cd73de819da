package io.devsec.core.events;

import io.devsec.testkit.MoquetteBroker;
import io.devsec.testkit.TestCa;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.KeyGenerator;

/**
 * A test CA and an in-process Moquette on loopback with mutual TLS (testkit's {@link TestCa} and
 * {@link MoquetteBroker}), plus DevSec MQTT clients with CA-issued identities.
 */
final class LoopbackMqtt implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicLong IDS = new AtomicLong();

    private final TestCa pki;
    private final MoquetteBroker broker;
    private final Path dir;
    final int port;

    LoopbackMqtt(Path dir) throws Exception {
        this.dir = dir;
        pki = TestCa.create("Loopback Test CA");
        broker = MoquetteBroker.start(dir, pki);
        port = broker.port();
    }

    /** A started client for {@code deviceId} in {@code namespace}, MQTT 3.1.1, fast reconnects. */
    DeviceMqttClient client(String deviceId, TopicNamespace namespace, MessageValidator validator,
            TransportEventListener listener) throws Exception {
        Instant now = Instant.now();
        TestCa.Issued identity = pki.leaf(deviceId).validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).issue();
        DeviceTlsContext tls = DeviceTlsContext.create(TlsIdentity.of(identity.privateKey(), identity.chain()),
                TrustAnchors.of(List.of(pki.caCertificate())), TlsSettings.MODERN);
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
        broker.close();
    }
}
