package io.devsec.core.events;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Sends one telemetry message; the application (or the facade) connects it to its MQTT client,
 * for example {@code (suffix, payload) -> client.publish(namespace.topic(suffix), payload, Qos.AT_LEAST_ONCE)}.
 */
@FunctionalInterface
public interface TelemetryPublisher {
    /**
     * Publishes {@code payload} under the device's topic {@code topicSuffix} (relative to its namespace).
     *
     * @throws IOException when the message cannot be queued or sent
     * @throws GeneralSecurityException when the transport refuses it (for example a topic outside the namespace)
     */
    void publish(String topicSuffix, byte[] payload) throws IOException, GeneralSecurityException;
}
