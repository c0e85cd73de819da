package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.ValidationException;
import io.devsec.core.validation.Validators;
import io.devsec.testkit.ManualClock;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.Qos;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TransportSecurityEvent;
import io.devsec.update.ExpiredMetadataException;
import io.devsec.update.ImageHashException;
import io.devsec.update.RollbackException;
import io.devsec.update.ThresholdNotMetException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.VersionMismatchException;
import io.devsec.update.WrongHardwareException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class EventAdaptersTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-31T12:00:00Z"));
    final SecurityEvents events = SecurityEvents.builder().clock(clock).build();

    SecurityEvent last() {
        return events.recentEvents().get(events.recentEvents().size() - 1);
    }

    @Test
    void transport_refusedPeer_becomesTlsPeerRefused() {
        TransportEventListener l = EventAdapters.transportListener(events);
        l.securityEvent(new TransportSecurityEvent(TransportSecurityEvent.Type.PEER_REFUSED, clock.instant(),
                "certificate not trusted", Optional.of(new SSLHandshakeException("PKIX path building failed"))));
        SecurityEvent e = last();
        assertThat(e.type()).isEqualTo(Type.TLS_PEER_REFUSED);
        assertThat(e.source()).isEqualTo(Source.TRANSPORT);
        assertThat(e.attributes()).containsEntry("detail", "certificate not trusted")
                .containsEntry("exception", SSLHandshakeException.class.getName());
    }

    @Test
    void transport_rejectedInboundMessage_carriesValidationFactsButNoPayload() {
        MessageValidator validator = Validators.messageValidator(Validators.registry()
                .register("devices/d/cmd", MessageSchemas.COMMAND));
        InvalidMessageException refusal = null;
        try {
            validator.validate(new InboundMessage("devices/d/cmd",
                    "{\"command\":\"format\",\"id\":\"1\",\"args\":{\"key\":\"hunter2\"}}".getBytes(StandardCharsets.UTF_8),
                    Qos.AT_LEAST_ONCE, false));
        } catch (InvalidMessageException e) {
            refusal = e;
        }
        assertThat(refusal).isNotNull();
        EventAdapters.transportListener(events).securityEvent(new TransportSecurityEvent(
                TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED, clock.instant(), refusal.getMessage(),
                Optional.of(refusal)));
        SecurityEvent e = last();
        assertThat(e.type()).isEqualTo(Type.INVALID_INPUT);
        assertThat(e.attributes()).containsEntry("reason", "REJECTED_BY_VALIDATOR").containsEntry("topic", "devices/d/cmd")
                .containsEntry("validationReason", "NOT_ALLOWED").containsEntry("path", "$.command");
        assertThat(SecurityEventJson.toJson(e)).doesNotContain("hunter2");
    }

    @Test
    void transport_reconnectStorm_raisesAlert() {
        TransportEventListener l = EventAdapters.transportListener(events);
        for (int i = 0; i < 11; i++) {
            l.connectionStateChanged(ConnectionState.CONNECTING);
            l.connectionStateChanged(ConnectionState.CONNECTED);
            l.connectionStateChanged(ConnectionState.DISCONNECTED);
        }
        assertThat(events.publishedCount()).isEqualTo(11);
        assertThat(events.recentAlerts()).singleElement().satisfies(a -> {
            assertThat(a.eventType()).isEqualTo(Type.CONNECTION_LOST);
            assertThat(a.count()).isEqualTo(11);
        });
    }

    @Test
    void update_refusals_mapToTheirEventTypes() {
        UpdateListener l = EventAdapters.updateListener(events);
        l.onRefused(new RollbackException(7, 7, 5));
        assertThat(last().type()).isEqualTo(Type.ROLLBACK_ATTEMPT);
        assertThat(last().attributes()).containsEntry("installed", "7").containsEntry("offered", "5");
        l.onRefused(new ThresholdNotMetException("update", 2, 1));
        assertThat(last().type()).isEqualTo(Type.SIGNATURE_INVALID);
        l.onRefused(new ImageHashException("aa", "bb"));
        assertThat(last().type()).isEqualTo(Type.INTEGRITY_FAILURE);
        l.onRefused(new VersionMismatchException(3, 4));
        assertThat(last().type()).isEqualTo(Type.INTEGRITY_FAILURE);
        l.onRefused(new WrongHardwareException("board-a", "board-b"));
        assertThat(last().type()).isEqualTo(Type.UPDATE_REFUSED);
        assertThat(last().attributes()).containsEntry("expected", "board-a");
        l.onRefused(new ExpiredMetadataException("update", clock.instant(), clock.instant()));
        assertThat(last().type()).isEqualTo(Type.UPDATE_REFUSED);
        assertThat(events.recentAlerts()).extracting(SecurityAlert::eventType)
                .contains(Type.ROLLBACK_ATTEMPT, Type.INTEGRITY_FAILURE);
    }

    @Test
    void update_lifecycle_isRecorded() {
        UpdateListener l = EventAdapters.updateListener(events);
        l.onInstalled(UpdateMetadata.builder().version(8).hardwareId("board-a").imageLength(1024)
                .imageSha256("ab".repeat(32)).expires(clock.instant().plusSeconds(3600)).reason("security fix")
                .securityUpdate(true).build());
        assertThat(last().type()).isEqualTo(Type.UPDATE_INSTALLED);
        assertThat(last().attributes()).containsEntry("version", "8").containsEntry("securityUpdate", "true");
        l.onConfirmed(8);
        assertThat(last().type()).isEqualTo(Type.UPDATE_CONFIRMED);
        assertThat(last().attributes()).containsEntry("version", "8");
        l.onSupportEnded(LocalDate.of(2026, 1, 1));
        assertThat(last().type()).isEqualTo(Type.SUPPORT_ENDED);
        l.onCheckFailed(new IOException("unreachable"));
        assertThat(last().type()).isEqualTo(Type.UPDATE_CHECK_FAILED);
        assertThat(last().attributes()).containsEntry("exception", IOException.class.getName());
    }

    @Test
    void delegates_receiveEveryCall_andTheirFailuresStayInside() {
        java.util.List<String> calls = new java.util.ArrayList<>();
        TransportEventListener app = new TransportEventListener() {
            @Override
            public void connectionStateChanged(ConnectionState state) {
                calls.add("state " + state);
                throw new IllegalStateException("app bug");
            }

            @Override
            public void securityEvent(TransportSecurityEvent event) {
                calls.add("event " + event.type());
            }

            @Override
            public void certificateExpiring(java.security.cert.X509Certificate certificate, Instant notAfter) {
                calls.add("expiring");
            }
        };
        TransportEventListener t = EventAdapters.transportListener(events, app);
        t.connectionStateChanged(ConnectionState.DISCONNECTED);
        t.securityEvent(new TransportSecurityEvent(TransportSecurityEvent.Type.BROKER_REFUSED, clock.instant(),
                "reason code 135", Optional.empty()));
        t.certificateExpiring(null, clock.instant());
        assertThat(calls).containsExactly("state DISCONNECTED", "event BROKER_REFUSED", "expiring");
        assertThat(events.recentEvents()).extracting(SecurityEvent::type)
                .containsExactly(Type.CONNECTION_LOST, Type.BROKER_REFUSED);
        UpdateListener u = EventAdapters.updateListener(events, new UpdateListener() {
            @Override
            public void onRefused(io.devsec.update.UpdateException reason) {
                calls.add("refused " + reason.getClass().getSimpleName());
            }
        });
        u.onRefused(new RollbackException(2, 2, 1));
        assertThat(calls).endsWith("refused RollbackException");
    }

    @Test
    void invalidInput_atAnotherBoundary_isPublished() {
        ValidationException v = new ValidationException(ValidationException.Reason.MISSING_FIELD, "$.broker", "a value");
        SecurityEvent e = EventAdapters.invalidInput(events, Source.CORE, "config", v);
        assertThat(e.attributes()).containsEntry("boundary", "config").containsEntry("reason", "MISSING_FIELD")
                .containsEntry("path", "$.broker");
        assertThat(events.recentEvents()).containsExactly(e);
    }
}
