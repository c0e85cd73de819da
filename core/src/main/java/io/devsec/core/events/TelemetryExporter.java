package io.devsec.core.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Publishes events and alerts as telemetry: each one JSON object ({@link SecurityEventJson}) in a
 * message of its own, events under {@value #EVENTS_TOPIC_SUFFIX} and alerts under
 * {@value #ALERTS_TOPIC_SUFFIX}. Subscribe it to a {@link SecurityEvents}. Events below the minimum
 * severity are not sent (alerts always are). A publisher failure is thrown as
 * {@link IllegalStateException}, which the stream isolates, logs and counts.
 *
 * <p>Events raised while this exporter is itself publishing (on the same thread: for example the
 * transport refusing the telemetry topic, which is itself a security event) are not exported
 * through it, so a refused telemetry topic cannot loop; they stay in the stream and reach the
 * other listeners. Subscribed to a {@link SecurityEvents}, the publisher is called on the stream's
 * delivery thread: it should queue, not block, or later events wait (see the overflow policy there).
 *
 * <p>Security events carry no personal data by design (their attributes are non-secret facts),
 * so this telemetry does not wait for consent; do not put personal data into attributes.
 */
public final class TelemetryExporter implements SecurityEventListener {
    /** Topic suffix of event messages. */
    public static final String EVENTS_TOPIC_SUFFIX = "security/events";

    /** Topic suffix of alert messages. */
    public static final String ALERTS_TOPIC_SUFFIX = "security/alerts";

    private final TelemetryPublisher publisher;
    private final Severity minimum;
    private final ThreadLocal<Boolean> publishing = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private TelemetryExporter(TelemetryPublisher publisher, Severity minimum) {
        this.publisher = publisher;
        this.minimum = minimum;
    }

    /** Exports every event and alert. */
    public static TelemetryExporter create(TelemetryPublisher publisher) {
        return create(publisher, Severity.INFO);
    }

    /** Exports events of at least {@code minimum} severity, and every alert. */
    public static TelemetryExporter create(TelemetryPublisher publisher, Severity minimum) {
        return new TelemetryExporter(Objects.requireNonNull(publisher, "publisher"), Objects.requireNonNull(minimum, "minimum"));
    }

    @Override
    public void onEvent(SecurityEvent event) {
        if (event.severity().compareTo(minimum) >= 0) {
            send(EVENTS_TOPIC_SUFFIX, SecurityEventJson.toJson(event));
        }
    }

    @Override
    public void onAlert(SecurityAlert alert) {
        send(ALERTS_TOPIC_SUFFIX, SecurityEventJson.toJson(alert));
    }

    private void send(String suffix, String json) {
        if (publishing.get()) {
            return;
        }
        publishing.set(Boolean.TRUE);
        try {
            publisher.publish(suffix, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("publishing security telemetry failed: " + e.getClass().getSimpleName(), e);
        } finally {
            publishing.set(Boolean.FALSE);
        }
    }
}
