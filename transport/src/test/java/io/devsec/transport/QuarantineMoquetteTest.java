package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.transport.testing.MoquetteFixture;
import io.devsec.transport.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Quarantine of a compromised device's client: only the alert topic is reachable until it is lifted. */
class QuarantineMoquetteTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final MoquetteFixture moquette = new MoquetteFixture("DevSec Quarantine Test CA");

    @TempDir
    Path dir;

    DeviceMqttClient client(String id, List<TransportSecurityEvent> events) throws Exception {
        return moquette.client(id, moquette.tlsFor(id), dir).random(new Random(7))
                .listener(new TransportEventListener() {
                    @Override
                    public void securityEvent(TransportSecurityEvent event) {
                        events.add(event);
                    }
                }).build();
    }

    static String text(InboundMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void quarantine_onlyAlertTopicReachable_queuedMessagesHeldUntilLifted() throws Exception {
        String id = "q-" + Long.toHexString(System.nanoTime());
        List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();
        List<InboundMessage> got = new CopyOnWriteArrayList<>();
        try (DeviceMqttClient c = client(id, events)) {
            String ns = "devices/" + id + "/";
            c.subscribe(ns + "#", Qos.AT_LEAST_ONCE, got::add);
            c.publish(ns + "telemetry", "queued before".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE);
            c.quarantine("security/alerts");
            assertThat(c.quarantined()).contains(ns + "security/alerts");
            assertThatThrownBy(() -> c.publish(ns + "telemetry", new byte[] {1}, Qos.AT_LEAST_ONCE))
                    .isInstanceOf(TopicOutsideNamespaceException.class).hasMessageContaining("quarantined");
            assertThatThrownBy(() -> c.subscribe(ns + "cmd/#", Qos.AT_LEAST_ONCE, m -> { }))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            assertThat(events).extracting(TransportSecurityEvent::type)
                    .containsOnly(TransportSecurityEvent.Type.TOPIC_REFUSED_LOCALLY);
            c.publish(ns + "security/alerts", "integrity failure".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE);
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            Waits.until(WAIT, "the alert", () -> got.stream().anyMatch(m -> text(m).equals("integrity failure")));
            assertThat(got).noneMatch(m -> text(m).equals("queued before"));
            Waits.until(WAIT, "the alert acknowledged", () -> c.pendingMessages() == 1);
            assertThat(got).as("the queued message is held back, not sent").noneMatch(m -> text(m).equals("queued before"));
            c.liftQuarantine();
            assertThat(c.quarantined()).isEmpty();
            Waits.until(WAIT, "the held message", () -> got.stream().anyMatch(m -> text(m).equals("queued before")));
            c.publish(ns + "telemetry", "after".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE).await(WAIT);
        }
    }

    @Test
    void quarantine_alertTopicWithWildcards_refused() throws Exception {
        try (DeviceMqttClient c = client("q-" + Long.toHexString(System.nanoTime()), new CopyOnWriteArrayList<>())) {
            assertThatThrownBy(() -> c.quarantine("alerts/#")).isInstanceOf(TopicOutsideNamespaceException.class);
            assertThatThrownBy(() -> c.quarantine("alerts/+/x")).isInstanceOf(TopicOutsideNamespaceException.class);
            assertThat(c.quarantined()).isEmpty();
        }
    }
}
