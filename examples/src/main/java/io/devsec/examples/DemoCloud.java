package io.devsec.examples;

import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsIdentity;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TrustAnchors;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.KeyGenerator;

/**
 * The samples' back end ("the cloud"): an MQTT client with its own certificate from the {@link DemoCa},
 * allowed to read and write every device's topics ({@code devices/...}). A real back end is a service of its
 * own; this one lives in the samples so that each of them runs on one machine.
 */
final class DemoCloud {
    /** Quick reconnects for a broker on loopback (the default policy starts at 1 s). */
    static final ReconnectPolicy LOOPBACK_RECONNECT = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(2)).firstConnectJitter(Duration.ZERO).build();

    private DemoCloud() {
    }

    /**
     * Connects a back-end client named {@code name} to {@code broker} over mutual TLS and waits until it is
     * connected. Inbound messages pass {@code validator} first (the back end validates what devices send, too).
     *
     * @param outboxFolder where the client keeps its (encrypted) outbox of unacknowledged messages
     * @throws IllegalStateException when it is not connected within {@code wait}
     */
    static DeviceMqttClient connect(String name, DemoCa ca, DemoBroker broker, Path outboxFolder,
            MessageValidator validator, Duration wait) throws Exception {
        KeyPair keys = DemoCa.ecKeyPair();
        DeviceTlsContext tls = DeviceTlsContext.create(TlsIdentity.of(keys.getPrivate(), ca.issueClient(name,
                keys.getPublic())), TrustAnchors.of(List.of(ca.certificate())), TlsSettings.MODERN);
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        DeviceMqttClient cloud = DeviceMqttClient.builder().broker("localhost", broker.port()).deviceId(name)
                .namespace(TopicNamespace.withPrefix("devices/")).tls(tls).protocol(MqttProtocol.MQTT_3_1_1)
                .reconnectPolicy(LOOPBACK_RECONNECT).validator(validator)
                .outbox(OutboxSettings.of(outboxFolder, OutboxKey.of(aes.generateKey()))).build();
        cloud.start();
        if (!cloud.awaitConnected(wait)) {
            cloud.close();
            throw new IllegalStateException("the back-end client " + name + " could not connect to the broker");
        }
        return cloud;
    }

    /**
     * Waits until a subscription is active at the broker: {@code publisher} sends {@code probe} (QoS 1) to
     * {@code probeTopic} every 200 ms until {@code seen} says it came back through the subscription. MQTT
     * acknowledges a SUBSCRIBE asynchronously, and a message published before the broker has the
     * subscription is not delivered to it.
     *
     * @throws IllegalStateException when no probe comes back within {@code wait}
     */
    static void awaitSubscribed(DeviceMqttClient publisher, String probeTopic, byte[] probe, BooleanSupplier seen,
            Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long nextProbe = System.nanoTime();
        while (!seen.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new IllegalStateException("the subscription did not become active within " + wait);
            }
            if (now - nextProbe >= 0) {
                publisher.publish(probeTopic, probe, Qos.AT_LEAST_ONCE);
                nextProbe = now + Duration.ofMillis(200).toNanos();
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }
}
