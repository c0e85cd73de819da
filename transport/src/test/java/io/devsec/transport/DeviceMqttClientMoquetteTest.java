package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.MoquetteBroker;
import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.MoquetteFixture;
import io.devsec.transport.testing.Observer;
import io.devsec.transport.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client against an embedded Moquette (MQTT 3.1.1) with TLS and required client certificates. */
class DeviceMqttClientMoquetteTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final MoquetteFixture moquette = new MoquetteFixture("DevSec MQTT Test CA");

    @TempDir
    Path dir;

    static String newDeviceId() {
        return moquette.newDeviceId("dev");
    }

    static DeviceTlsContext tlsFor(String id) throws Exception {
        return moquette.tlsFor(id);
    }

    static final class Recorder implements TransportEventListener {
        final List<ConnectionState> states = new CopyOnWriteArrayList<>();
        final List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();
        final List<X509Certificate> expiring = new CopyOnWriteArrayList<>();

        @Override
        public void connectionStateChanged(ConnectionState state) {
            states.add(state);
        }

        @Override
        public void securityEvent(TransportSecurityEvent event) {
            events.add(event);
        }

        @Override
        public void certificateExpiring(X509Certificate certificate, Instant notAfter) {
            expiring.add(certificate);
        }

        boolean has(TransportSecurityEvent.Type t) {
            return events.stream().anyMatch(e -> e.type() == t);
        }
    }

    DeviceMqttClient.Builder client(String id, DeviceTlsContext tls, Path outboxDir, Recorder rec) {
        return moquette.client(id, tls, outboxDir).listener(rec).random(new Random(42));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void publishAndSubscribe_overMutualTls_roundTripsAndReportsStates() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, rec).build()) {
            List<InboundMessage> got = new CopyOnWriteArrayList<>();
            c.subscribe("devices/" + id + "/echo/#", Qos.AT_LEAST_ONCE, got::add);
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            Delivery d = c.publish(c.namespace().topic("echo/1"), utf8("hello"), Qos.AT_LEAST_ONCE);
            d.await(WAIT);
            Waits.until(WAIT, "echo", () -> got.size() == 1);
            assertThat(got.get(0).topic()).isEqualTo("devices/" + id + "/echo/1");
            assertThat(new String(got.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(c.pendingMessages()).isZero();
            assertThat(rec.states).startsWith(ConnectionState.CONNECTING).contains(ConnectionState.CONNECTED);
        }
        assertThat(rec.states).endsWith(ConnectionState.CLOSED);
    }

    @Test
    void tlsSession_connectedOverMutualTls_reportsTheNegotiatedProtocolClientCertificateAndBroker() throws Exception {
        String id = newDeviceId();
        Instant before = Instant.now();
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, new Recorder()).build()) {
            assertThat(c.tlsSession()).as("not connected yet").isEmpty();
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            TlsSessionFacts facts = c.tlsSession().orElseThrow();
            assertThat(facts.protocol()).isEqualTo("TLSv1.3");
            assertThat(TlsSettings.MODERN.cipherSuites()).contains(facts.cipherSuite());
            assertThat(facts.clientCertificatePresented()).isTrue();
            assertThat(facts.clientCertificateSubject()).hasValueSatisfying(s -> assertThat(s).contains("CN=" + id));
            assertThat(facts.peerCertificateSubject()).isEqualTo("CN=server"); // the test CA's broker certificate (SAN localhost)
            assertThat(facts.peerHost()).isEqualTo("localhost");
            assertThat(facts.peerPort()).isEqualTo(moquette.broker().port());
            assertThat(facts.observedAt()).isAfterOrEqualTo(before.minusSeconds(1));
        }
    }

    @Test
    void tlsSession_afterTheConnectionIsLostOrClosed_isEmpty(@TempDir Path bdir) throws Exception {
        String id = newDeviceId();
        try (MoquetteBroker own = new MoquetteBroker(bdir, moquette.ca(), moquette.ca().server("localhost"))) {
            own.start();
            DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", own.port()).deviceId(id).tls(tlsFor(id))
                    .protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(MoquetteFixture.FAST)
                    .outbox(OutboxSettings.of(dir.resolve("outbox"), moquette.outboxKey())).build();
            try {
                c.start();
                assertThat(c.awaitConnected(WAIT)).isTrue();
                assertThat(c.tlsSession()).isPresent();
                own.stop();
                Waits.until(WAIT, "the loss noticed", () -> c.state() != ConnectionState.CONNECTED);
                assertThat(c.tlsSession()).isEmpty();
                own.start();
                assertThat(c.awaitConnected(WAIT)).isTrue();
                assertThat(c.tlsSession()).hasValueSatisfying(f -> assertThat(f.clientCertificatePresented()).isTrue());
            } finally {
                c.close();
            }
            assertThat(c.tlsSession()).isEmpty();
        }
    }

    @Test
    void publish_outsideNamespace_isRefusedLocallyAndReported() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, rec).build()) {
            assertThatThrownBy(() -> c.publish("devices/other/x", utf8("x"), Qos.AT_LEAST_ONCE))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            assertThatThrownBy(() -> c.subscribe("devices/+/x", Qos.AT_LEAST_ONCE, m -> { }))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            assertThatThrownBy(() -> c.subscribe("#", Qos.AT_LEAST_ONCE, m -> { }))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            assertThat(c.pendingMessages()).isZero();
            assertThat(rec.events).extracting(TransportSecurityEvent::type)
                    .containsOnly(TransportSecurityEvent.Type.TOPIC_REFUSED_LOCALLY).hasSize(3);
        }
    }

    @Test
    void publish_qos0WhileOffline_throwsNotConnected() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, new Recorder()).build()) {
            assertThatThrownBy(() -> c.publish("devices/" + id + "/t", utf8("x"), Qos.AT_MOST_ONCE))
                    .isInstanceOf(NotConnectedException.class);
        }
    }

    @Test
    void inbound_invalidMessages_areDroppedAndReportedValidOnesDelivered() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        MessageValidator noEvil = m -> {
            if (new String(m.payload(), StandardCharsets.UTF_8).contains("evil")) {
                throw InvalidMessageException.rejected(m.topic(), "payload marked evil");
            }
        };
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, rec).maxInboundPayloadBytes(64).validator(noEvil).build()) {
            List<InboundMessage> got = new CopyOnWriteArrayList<>();
            c.subscribe("devices/" + id + "/cmd/#", Qos.AT_LEAST_ONCE, got::add);
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            Waits.until(WAIT, "subscription active", () -> {
                moquette.broker().inject("devices/" + id + "/cmd/probe", utf8("probe"));
                return Waits.tryUntil(Duration.ofMillis(200), () -> !got.isEmpty());
            });
            got.clear();
            moquette.broker().inject("devices/" + id + "/cmd/big", new byte[65]);
            moquette.broker().inject("devices/" + id + "/cmd/bad", utf8("evil plan"));
            moquette.broker().inject("devices/" + id + "/cmd/ok", utf8("fine"));
            Waits.until(WAIT, "valid message", () -> got.stream().anyMatch(m -> m.topic().endsWith("/ok")));
            Waits.until(WAIT, "two rejections", () -> rec.events.stream()
                    .filter(e -> e.type() == TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED).count() == 2);
            assertThat(got).extracting(InboundMessage::topic).containsOnly("devices/" + id + "/cmd/ok");
            assertThat(rec.events).filteredOn(e -> e.type() == TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED)
                    .extracting(e -> ((InvalidMessageException) e.cause().orElseThrow()).reason())
                    .containsExactlyInAnyOrder(InvalidMessageException.Reason.TOO_LARGE,
                            InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
        }
    }

    @Test
    void brokerOutage_publishesQueueAndArriveInOrderAfterRestart_subscriptionsComeBack() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        DeviceTlsContext tls = tlsFor(id);
        try (DeviceMqttClient c = client(id, tls, dir, rec).build()) {
            List<InboundMessage> got = new CopyOnWriteArrayList<>();
            c.subscribe("devices/" + id + "/in", Qos.AT_LEAST_ONCE, got::add);
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            moquette.broker().stop();
            Waits.until(WAIT, "disconnected", () -> c.state() == ConnectionState.DISCONNECTED);
            List<Delivery> ds = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ds.add(c.publish("devices/" + id + "/out", utf8("m" + i), Qos.AT_LEAST_ONCE));
            }
            assertThat(c.pendingMessages()).isEqualTo(100);
            moquette.broker().start();
            try (Observer obs = new Observer("localhost", moquette.broker().port(), "obs-" + id, tlsFor("observer-" + id),
                    "devices/" + id + "/out")) {
                // the client may deliver before the observer subscribed; count from the outbox instead
                assertThat(c.awaitConnected(WAIT)).isTrue();
                assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
                for (Delivery d : ds) {
                    d.await(WAIT);
                }
                Waits.until(WAIT, "resubscribed", () -> {
                    try {
                        obs.publish("devices/" + id + "/in", utf8("back"));
                    } catch (Exception e) {
                        return false;
                    }
                    return Waits.tryUntil(Duration.ofMillis(300), () -> !got.isEmpty());
                });
            }
            assertThat(rec.states).containsSubsequence(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED,
                    ConnectionState.CONNECTED);
        } finally {
            moquette.broker().start();
        }
    }

    @Test
    void brokerOutage_deliversEveryQueuedMessageInPublishOrder() throws Exception {
        String id = newDeviceId();
        try (Observer obs = new Observer("localhost", moquette.broker().port(), "obs2-" + id, tlsFor("observer2-" + id),
                "devices/" + id + "/seq");
                DeviceMqttClient c = client(id, tlsFor(id), dir, new Recorder()).build()) {
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            for (int i = 0; i < 200; i++) {
                c.publish("devices/" + id + "/seq", utf8(Integer.toString(i)), Qos.AT_LEAST_ONCE);
            }
            assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
            Waits.until(WAIT, "200 at observer", () -> obs.count() >= 200);
            List<Integer> order = new ArrayList<>();
            for (String s : obs.received()) {
                int n = Integer.parseInt(s.substring(s.indexOf(' ') + 1));
                if (!order.contains(n)) {
                    order.add(n);
                }
            }
            assertThat(order).hasSize(200).isSorted();
        }
    }

    @Test
    void restart_outboxFromPreviousProcessIsDelivered() throws Exception {
        String id = newDeviceId();
        DeviceTlsContext tls = tlsFor(id);
        moquette.broker().stop();
        try {
            try (DeviceMqttClient c = client(id, tls, dir, new Recorder()).build()) {
                c.start();
                for (int i = 0; i < 20; i++) {
                    c.publish("devices/" + id + "/r", utf8("r" + i), Qos.AT_LEAST_ONCE);
                }
            }
        } finally {
            moquette.broker().start();
        }
        try (Observer obs = new Observer("localhost", moquette.broker().port(), "obs3-" + id, tlsFor("observer3-" + id),
                "devices/" + id + "/r");
                DeviceMqttClient c2 = client(id, tls, dir, new Recorder()).build()) {
            assertThat(c2.pendingMessages()).isEqualTo(20);
            c2.start();
            assertThat(c2.awaitOutboxEmpty(WAIT)).isTrue();
            Waits.until(WAIT, "20 at observer", () -> obs.count() >= 20);
            assertThat(obs.received()).startsWith("devices/" + id + "/r r0", "devices/" + id + "/r r1");
        }
    }

    @Test
    void publishAll_deliversTheBatchInOrder_andRefusesAWholeBatchWithOneBadTopic() throws Exception {
        String id = newDeviceId();
        try (Observer obs = new Observer("localhost", moquette.broker().port(), "obs4-" + id, tlsFor("observer4-" + id),
                "devices/" + id + "/batch");
                DeviceMqttClient c = client(id, tlsFor(id), dir, new Recorder()).build()) {
            List<OutboundMessage> bad = List.of(OutboundMessage.of("devices/" + id + "/batch", utf8("x")),
                    OutboundMessage.of("devices/other/batch", utf8("y")));
            assertThatThrownBy(() -> c.publishAll(bad)).isInstanceOf(TopicOutsideNamespaceException.class);
            assertThat(c.pendingMessages()).isZero();
            List<OutboundMessage> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(OutboundMessage.of("devices/" + id + "/batch", utf8("b" + i)));
            }
            List<Delivery> ds = c.publishAll(batch);
            assertThat(ds).hasSize(50);
            assertThat(c.pendingMessages()).isEqualTo(50);
            c.start();
            for (Delivery d : ds) {
                d.await(WAIT);
            }
            Waits.until(WAIT, "50 at observer", () -> obs.count() >= 50);
            assertThat(obs.received().stream().distinct().toList()).startsWith("devices/" + id + "/batch b0")
                    .endsWith("devices/" + id + "/batch b49").hasSize(50);
        }
    }

    @Test
    void outboxFull_publishFailsWithTypedErrorAndNothingIsDropped() throws Exception {
        String id = newDeviceId();
        try (DeviceMqttClient c = client(id, tlsFor(id), dir, new Recorder())
                .outbox(OutboxSettings.builder(dir, moquette.outboxKey()).maxMessages(5).build()).build()) {
            for (int i = 0; i < 5; i++) {
                c.publish("devices/" + id + "/f", utf8("f" + i), Qos.AT_LEAST_ONCE);
            }
            assertThatThrownBy(() -> c.publish("devices/" + id + "/f", utf8("f5"), Qos.AT_LEAST_ONCE))
                    .isInstanceOf(OutboxFullException.class);
            assertThat(c.pendingMessages()).isEqualTo(5);
            c.start();
            assertThat(c.awaitOutboxEmpty(WAIT)).isTrue();
        }
    }

    @Test
    void connect_brokerWithWrongHostName_isRefusedAndReportedNeverConnected() throws Exception {
        Path bdir = dir.resolve("wrong-host-broker");
        java.nio.file.Files.createDirectories(bdir);
        try (MoquetteBroker wrong = new MoquetteBroker(bdir, moquette.ca(), moquette.ca().server("not-this-host.example"))) {
            String id = newDeviceId();
            Recorder rec = new Recorder();
            try (DeviceMqttClient c = DeviceMqttClient.builder().broker("localhost", wrong.port()).deviceId(id)
                    .tls(tlsFor(id)).protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(MoquetteFixture.FAST).listener(rec)
                    .outbox(OutboxSettings.of(dir.resolve("ob"), moquette.outboxKey())).build()) {
                c.start();
                Waits.until(WAIT, "peer refused", () -> rec.has(TransportSecurityEvent.Type.PEER_REFUSED));
                assertThat(rec.states).doesNotContain(ConnectionState.CONNECTED);
                assertThat(rec.events.get(0).cause().orElseThrow()).isInstanceOf(java.security.cert.CertificateException.class);
            }
        }
    }

    @Test
    void connect_withoutClientCertificate_isRefusedByBrokerAndReported() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        DeviceTlsContext anonymous = DeviceTlsContext.createWithoutClientIdentity(TrustAnchors.of(List.of(moquette.ca().caCertificate())),
                TlsSettings.MODERN);
        try (DeviceMqttClient c = client(id, anonymous, dir, rec).build()) {
            c.start();
            Waits.until(WAIT, "connect refused", () -> rec.has(TransportSecurityEvent.Type.CONNECT_REFUSED)
                    || rec.has(TransportSecurityEvent.Type.PEER_REFUSED));
            assertThat(rec.states).doesNotContain(ConnectionState.CONNECTED);
            assertThat(rec.has(TransportSecurityEvent.Type.CONNECT_REFUSED)).isTrue();
        }
    }

    @Test
    void certificateNearExpiry_firesEvent_andRenewalKeepsTheClientConnected() throws Exception {
        String id = newDeviceId();
        Recorder rec = new Recorder();
        Instant now = Instant.now();
        TestCa.Issued shortLived = moquette.ca().device(id, now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(10)));
        DeviceTlsContext oldTls = DeviceTlsContext.create(TlsIdentity.of(shortLived.privateKey(), shortLived.chain()),
                TrustAnchors.of(List.of(moquette.ca().caCertificate())), TlsSettings.MODERN);
        try (DeviceMqttClient c = client(id, oldTls, dir, rec).renewalWindow(Duration.ofDays(30)).build()) {
            c.start();
            assertThat(c.awaitConnected(WAIT)).isTrue();
            Waits.until(WAIT, "expiry warning", () -> rec.expiring.size() == 1);
            assertThat(rec.expiring.get(0).getSerialNumber()).isEqualTo(shortLived.certificate().getSerialNumber());
            assertThat(rec.has(TransportSecurityEvent.Type.CERTIFICATE_EXPIRING)).isTrue();

            c.renewIdentity(tlsFor(id), WAIT);
            assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
            c.publish("devices/" + id + "/after", utf8("renewed"), Qos.AT_LEAST_ONCE).await(WAIT);
            assertThat(rec.expiring).hasSize(1);
        }
    }
}
