package io.devsec.core;

import io.devsec.core.privacy.ConsentGate;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicOutsideNamespaceException;
import java.io.IOException;
import java.util.Objects;

/**
 * Telemetry that carries personal data (provision 4.8), sent through one MQTT client only while the
 * consumer consents to its purpose. Made by {@link DeviceSecurity#personalTelemetry(DeviceMqttClient)}.
 *
 * <p>{@link #offer} publishes at once (QoS 1) when consent is granted, holds the message sealed in the
 * personal data store while the consumer has not decided (it is sent when consent is granted), and drops it
 * when consent was withdrawn. See {@link ConsentGate} for the bounds on held messages.
 */
public final class PersonalTelemetry {
    private final ConsentGate gate;
    private final DeviceMqttClient client;

    PersonalTelemetry(ConsentGate gate, DeviceMqttClient client) {
        this.gate = gate;
        this.client = client;
    }

    /**
     * Offers one message for {@code purposeId} on the device topic {@code topicSuffix} (relative to the
     * client's namespace, such as {@code "telemetry/location"}).
     *
     * @return {@link ConsentGate.Decision#SEND} when it was published, {@code HELD} when the gate keeps it,
     *     {@code DROPPED} when consent was withdrawn
     * @throws IllegalArgumentException when the purpose is not configured
     * @throws TopicOutsideNamespaceException when the suffix leaves the device namespace or the client is
     *     quarantined
     * @throws IOException when the message can neither be held nor queued in the outbox
     * @throws KeystoreException when the personal-data key cannot be read
     */
    public ConsentGate.Decision offer(String purposeId, String topicSuffix, byte[] payload)
            throws IOException, KeystoreException, TopicOutsideNamespaceException {
        Objects.requireNonNull(purposeId, "purposeId");
        Objects.requireNonNull(topicSuffix, "topicSuffix");
        Objects.requireNonNull(payload, "payload");
        String topic = client.namespace().topic(topicSuffix);
        ConsentGate.Decision d = gate.offer(purposeId, topic, payload);
        if (d == ConsentGate.Decision.SEND) {
            client.publish(topic, payload, Qos.AT_LEAST_ONCE);
        }
        return d;
    }

    /** Messages held for {@code purposeId}, waiting for consent. */
    public int heldCount(String purposeId) {
        return gate.heldCount(purposeId);
    }

    /** The client the messages go through. */
    public DeviceMqttClient client() {
        return client;
    }
}
