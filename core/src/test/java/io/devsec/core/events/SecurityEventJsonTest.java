package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.core.validation.ValidationException;
import io.devsec.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventJsonTest {

    static final Instant T = Instant.parse("2026-01-31T12:00:00.123Z");
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));

    @Test
    void event_toJson_hasStableFieldsAndIsoTime() throws Exception {
        SecurityEvent e = SecurityEvent.of(Type.LOGIN_FAILED, Source.CORE, T, Map.of("user", "admin"));
        String line = SecurityEventJson.toJson(e);
        assertThat(line).isEqualTo("{\"kind\":\"event\",\"type\":\"LOGIN_FAILED\",\"severity\":\"WARNING\","
                + "\"time\":\"2026-01-31T12:00:00.123Z\",\"source\":\"CORE\",\"attributes\":{\"user\":\"admin\"}}");
        assertThat(SecurityEventJson.parseEvent(line)).isEqualTo(e);
    }

    @Test
    void event_integrityFailureRollbackOrForgedSignature_isMarkedAsCraArticle14SignalAndRoundTrips() throws Exception {
        for (Type t : new Type[] {Type.INTEGRITY_FAILURE, Type.ROLLBACK_ATTEMPT, Type.SIGNATURE_INVALID}) {
            SecurityEvent e = SecurityEvent.of(t, Source.UPDATE, T, Map.of("version", "2"));
            String line = SecurityEventJson.toJson(e);
            assertThat(new ObjectMapper().readTree(line).get("craArticle14").booleanValue()).as(t.name()).isTrue();
            assertThat(SecurityEventJson.parseEvent(line)).isEqualTo(e);
        }
        for (Type t : new Type[] {Type.LOGIN_FAILED, Type.INVALID_INPUT, Type.UPDATE_INSTALLED}) {
            String line = SecurityEventJson.toJson(SecurityEvent.of(t, Source.CORE, T, Map.of()));
            assertThat(line).as(t.name()).doesNotContain("craArticle14");
        }
    }

    @Test
    void alert_criticalOrOnASignalType_isMarkedAsCraArticle14SignalAndRoundTrips() throws Exception {
        SecurityAlert critical = new SecurityAlert(Type.LOGIN_FAILED, SecurityAlert.Trigger.FIXED_THRESHOLD,
                Severity.CRITICAL, T, Instant.parse("2026-01-31T12:00:00Z"), Duration.ofMinutes(1), 50, 10, 0);
        SecurityAlert warning = new SecurityAlert(Type.LOGIN_FAILED, SecurityAlert.Trigger.FIXED_THRESHOLD,
                Severity.WARNING, T, Instant.parse("2026-01-31T12:00:00Z"), Duration.ofMinutes(1), 11, 10, 0);
        assertThat(new ObjectMapper().readTree(SecurityEventJson.toJson(critical)).get("craArticle14").booleanValue())
                .isTrue();
        assertThat(SecurityEventJson.parseAlert(SecurityEventJson.toJson(critical))).isEqualTo(critical);
        assertThat(SecurityEventJson.toJson(warning)).doesNotContain("craArticle14");
    }

    @Test
    void event_roundTrip_withHostileAttributeValues() throws Exception {
        SecurityEvent e = SecurityEvent.builder(Type.INVALID_INPUT, Source.TRANSPORT).time(T)
                .severity(Severity.CRITICAL)
                .attribute("topic", "devices/\"x\"/\\cmd\n\u2028\ud83d\ude00")
                .attribute("detail", "y".repeat(600))
                .build();
        String line = SecurityEventJson.toJson(e);
        assertThat(line).doesNotContain("\n");
        assertThat(SecurityEventJson.parseEvent(line)).isEqualTo(e);
    }

    @Test
    void alert_roundTrip() throws Exception {
        SecurityAlert a = new SecurityAlert(Type.LOGIN_FAILED, SecurityAlert.Trigger.BASELINE_EXCEEDED, Severity.WARNING,
                T, Instant.parse("2026-01-31T12:00:00Z"), Duration.ofMinutes(1), 131, 3 * 39.97316 + 10, 39.97316);
        String line = SecurityEventJson.toJson(a);
        JsonNode n = new ObjectMapper().readTree(line);
        assertThat(n.get("kind").textValue()).isEqualTo("alert");
        assertThat(n.get("window").textValue()).isEqualTo("PT1M");
        assertThat(n.get("windowStart").textValue()).isEqualTo("2026-01-31T12:00:00Z");
        assertThat(SecurityEventJson.parseAlert(line)).isEqualTo(a);
    }

    @Test
    void parse_wrongKindOrFields_refused() {
        String event = SecurityEventJson.toJson(SecurityEvent.of(Type.OTHER, Source.CORE, T, Map.of()));
        assertThatThrownBy(() -> SecurityEventJson.parseAlert(event)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> SecurityEventJson.parseEvent(event.replace("OTHER", "NOPE")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.path()).isEqualTo("$.type"));
        assertThatThrownBy(() -> SecurityEventJson.parseEvent(event.replace("{}", "{\"password\":\"x\"}")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> SecurityEventJson.parseEvent(event + "{}")).isInstanceOf(ValidationException.class);
    }

    @Test
    void jsonLinesExporter_writesOneParsableLinePerEventAndAlert() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        StringWriter out = new StringWriter();
        events.subscribe(JsonLinesExporter.to(out));
        for (int i = 0; i < 11; i++) {
            events.record(Type.LOGIN_FAILED, Source.CORE, Map.of("attempt", Integer.toString(i)));
        }
        events.flush();
        String[] lines = out.toString().split("\n", -1);
        assertThat(lines).hasSize(13);
        assertThat(lines[12]).isEmpty();
        List<SecurityEvent> parsed = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            parsed.add(SecurityEventJson.parseEvent(lines[i]));
        }
        assertThat(parsed).isEqualTo(events.recentEvents());
        assertThat(SecurityEventJson.parseAlert(lines[11])).isEqualTo(events.recentAlerts().get(0));
    }

    @Test
    void jsonLinesExporter_toOutputStream_isUtf8() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonLinesExporter exporter = JsonLinesExporter.to(bytes);
        SecurityEvent e = SecurityEvent.of(Type.OTHER, Source.APPLICATION, T, Map.of("note", "caf\u00e9 \ud83d\ude00"));
        exporter.onEvent(e);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(SecurityEventJson.parseEvent(text.trim())).isEqualTo(e);
    }

    @Test
    void jsonLinesExporter_failingWriter_isCountedByTheStream() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        events.subscribe(JsonLinesExporter.to(new Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }));
        events.record(Type.OTHER, Source.CORE, Map.of());
        events.flush();
        assertThat(events.listenerFailures()).isEqualTo(2);
        assertThat(events.recentEvents()).extracting(SecurityEvent::type).containsExactly(Type.OTHER, Type.LISTENER_FAILED);
    }

    @Test
    void telemetryExporter_publishesEventsAndAlertsUnderTheirTopics() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<String> topics = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        events.subscribe(TelemetryExporter.create((suffix, payload) -> {
            topics.add(suffix);
            payloads.add(new String(payload, StandardCharsets.UTF_8));
        }, Severity.WARNING));
        events.record(Type.UPDATE_INSTALLED, Source.UPDATE, Map.of("version", "7"));
        events.record(Type.ROLLBACK_ATTEMPT, Source.UPDATE, Map.of("offered", "3"));
        events.flush();
        assertThat(topics).containsExactly(TelemetryExporter.EVENTS_TOPIC_SUFFIX, TelemetryExporter.ALERTS_TOPIC_SUFFIX);
        assertThat(SecurityEventJson.parseEvent(payloads.get(0)).type()).isEqualTo(Type.ROLLBACK_ATTEMPT);
        assertThat(SecurityEventJson.parseAlert(payloads.get(1)).eventType()).isEqualTo(Type.ROLLBACK_ATTEMPT);
    }

    @Test
    void telemetryExporter_eventRaisedWhilePublishing_doesNotLoop() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<String> sent = new ArrayList<>();
        List<SecurityEvent> seen = new ArrayList<>();
        // Like a transport that reports its refusal of the telemetry topic as a security event.
        events.subscribe(TelemetryExporter.create((suffix, payload) -> {
            sent.add(suffix);
            events.record(Type.TOPIC_REFUSED, Source.TRANSPORT, Map.of("topic", suffix));
        }));
        events.subscribe(seen::add);
        events.record(Type.LOGIN_FAILED, Source.CORE, Map.of());
        events.flush();
        assertThat(sent).containsExactly(TelemetryExporter.EVENTS_TOPIC_SUFFIX);
        // The nested event is queued behind the one being delivered, and not delivered back to the exporter.
        assertThat(seen).extracting(SecurityEvent::type).containsExactly(Type.LOGIN_FAILED, Type.TOPIC_REFUSED);
        assertThat(events.listenerFailures()).isZero();
    }

    @Test
    void telemetryExporter_publisherFailure_isIsolated() {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        List<SecurityEvent> seen = new ArrayList<>();
        events.subscribe(TelemetryExporter.create((suffix, payload) -> {
            throw new GeneralSecurityException("refused");
        }));
        events.subscribe(seen::add);
        events.record(Type.LOGIN_FAILED, Source.CORE, Map.of());
        events.flush();
        assertThat(seen).extracting(SecurityEvent::type).containsExactly(Type.LOGIN_FAILED, Type.LISTENER_FAILED);
    }
}
