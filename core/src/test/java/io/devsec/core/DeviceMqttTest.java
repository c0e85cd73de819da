package io.devsec.core;

import static io.devsec.core.MqttTestFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.MoquetteBroker;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicOutsideNamespaceException;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TransportSecurityEvent;
import io.devsec.transport.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The facade's MQTT client against an embedded Moquette with mutual TLS, using the keystore identity. */
class DeviceMqttTest {
    @RegisterExtension
    static final MqttTestFixture MQTT = new MqttTestFixture("Test Device CA", "dev-");

    @TempDir
    Path dir;

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void issue(DeviceSecurity device, Duration validity) throws Exception {
        MQTT.issue(device, validity);
    }

    @Test
    void conformanceEvidence_connectedOverMutualTls_isObservedFromTheLiveSession() throws Exception {
        try (DeviceSecurity device = device()) {
            issue(device, Duration.ofDays(365));
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();

            io.devsec.core.conformance.ConformanceFacts facts = device.conformanceFacts();
            io.devsec.core.conformance.Evidence mutual = facts.evidence(io.devsec.core.conformance.Mechanism.MUTUAL_TLS);
            io.devsec.core.conformance.Evidence channel = facts.evidence(io.devsec.core.conformance.Mechanism.TLS_CHANNEL);
            assertThat(mutual.evidenceClass()).isEqualTo(io.devsec.core.conformance.EvidenceClass.OBSERVED);
            assertThat(mutual.holds()).isTrue();
            assertThat(mutual.detail()).contains("TLSv1.3").contains("device certificate CN=" + device.deviceId() + " presented");
            assertThat(channel.evidenceClass()).isEqualTo(io.devsec.core.conformance.EvidenceClass.OBSERVED);
            assertThat(channel.holds()).isTrue();
            // Without a live session there is nothing to observe: the row rests on the configuration (or on nothing).
            client.close();
            assertThat(device.conformanceFacts().evidence(io.devsec.core.conformance.Mechanism.MUTUAL_TLS).evidenceClass())
                    .isNotEqualTo(io.devsec.core.conformance.EvidenceClass.OBSERVED);
        }
    }

    @Test
    void mqtt_issuedIdentity_connectsOverMutualTlsAndRoundTripsBothWays() throws Exception {
        List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
        List<InboundMessage> atDevice = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            issue(device, Duration.ofDays(365));
            String ns = "devices/" + device.deviceId() + "/";
            cloud.subscribe(ns + "telemetry", Qos.AT_LEAST_ONCE, atCloud::add);
            // Inbound validation is default deny: the application registers its own command topic.
            device.validators().register(ns + "commands/#", io.devsec.core.validation.Validators.utf8Text(256));
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.namespace().prefix()).isEqualTo(ns);
            client.subscribe(ns + "commands/#", Qos.AT_LEAST_ONCE, atDevice::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "subscription to reach the broker", () -> {
                try {
                    cloud.publish(ns + "commands/ping", utf8("ping"), Qos.AT_LEAST_ONCE).await(WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return !atDevice.isEmpty();
            });
            client.publish(ns + "telemetry", utf8("21.5 C"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "telemetry at the cloud", () -> !atCloud.isEmpty());
            assertThat(new String(atCloud.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("21.5 C");
            assertThat(atDevice.get(0).topic()).isEqualTo(ns + "commands/ping");
            assertThatThrownBy(() -> client.publish("devices/other/telemetry", utf8("x"), Qos.AT_LEAST_ONCE))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
        }
    }

    @Test
    void mqtt_selfSignedIdentity_isRefusedByTheBroker() throws Exception {
        List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();
        TransportEventListener listener = new TransportEventListener() {
            @Override
            public void securityEvent(TransportSecurityEvent event) {
                events.add(event);
            }
        };
        try (DeviceSecurity device = device()) {
            DeviceMqttClient client = device.mqtt(MQTT.settings().listener(listener).build());
            Conditions.await(WAIT, "a refused connection", () -> !events.isEmpty());
            assertThat(client.state()).isNotEqualTo(ConnectionState.CONNECTED);
            assertThat(events.get(0).type()).isIn(TransportSecurityEvent.Type.CONNECT_REFUSED,
                    TransportSecurityEvent.Type.PEER_REFUSED);
        }
    }

    @Test
    void validatorHook_rejectsMessage_beforeTheHandler() throws Exception {
        List<InboundMessage> atDevice = new CopyOnWriteArrayList<>();
        List<TransportSecurityEvent> events = new CopyOnWriteArrayList<>();
        TransportEventListener listener = new TransportEventListener() {
            @Override
            public void securityEvent(TransportSecurityEvent event) {
                events.add(event);
            }
        };
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            issue(device, Duration.ofDays(365));
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().listener(listener).validator(m -> {
                if (new String(m.payload(), StandardCharsets.UTF_8).contains("evil")) {
                    throw new InvalidMessageException(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR, m.topic(), "payload refused by the application");
                }
            }).build());
            client.subscribe(ns + "commands/#", Qos.AT_LEAST_ONCE, atDevice::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "a good command", () -> {
                try {
                    cloud.publish(ns + "commands/a", utf8("good"), Qos.AT_LEAST_ONCE).await(WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return !atDevice.isEmpty();
            });
            cloud.publish(ns + "commands/b", utf8("evil"), Qos.AT_LEAST_ONCE).await(WAIT);
            cloud.publish(ns + "commands/c", utf8("good again"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the last command", () -> atDevice.stream().anyMatch(m -> m.topic().endsWith("/c")));
            assertThat(atDevice).noneMatch(m -> m.topic().endsWith("/b"));
            assertThat(events).anyMatch(e -> e.type() == TransportSecurityEvent.Type.INBOUND_MESSAGE_REJECTED);
        }
    }

    @Test
    void outbox_messageQueuedOfflineBeforeRestart_isDeliveredAfterRestart() throws Exception {
        List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
        String id;
        int deadPort = MoquetteBroker.freePort();
        try (DeviceSecurity device = device()) {
            issue(device, Duration.ofDays(365));
            id = device.deviceId();
            DeviceMqttClient offline = device.mqtt(MQTT.settings(deadPort).build());
            offline.publish("devices/" + id + "/telemetry", utf8("queued while offline"), Qos.AT_LEAST_ONCE);
            assertThat(offline.pendingMessages()).isEqualTo(1);
        }
        assertThat(Files.list(dir.resolve("device").resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER)).count()).isPositive();
        try (DeviceMqttClient cloud = MQTT.cloud(dir); DeviceSecurity device = device()) {
            cloud.subscribe("devices/" + id + "/telemetry", Qos.AT_LEAST_ONCE, atCloud::add);
            DeviceMqttClient online = device.mqtt(MQTT.settings().build());
            assertThat(online.pendingMessages()).as("recovered with the key from the keystore").isEqualTo(1);
            Conditions.await(WAIT, "recovered message at the cloud", () -> !atCloud.isEmpty());
            assertThat(new String(atCloud.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("queued while offline");
            assertThat(online.awaitOutboxEmpty(WAIT)).isTrue();
        }
    }

    @Test
    void factoryReset_outboxSealedWithTheDeletedKey_isDiscardedNotReportedCorrupt() throws Exception {
        Path outbox = dir.resolve("device").resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER);
        int deadPort = MoquetteBroker.freePort();
        try (DeviceSecurity device = device()) {
            DeviceMqttClient offline = device.mqtt(MQTT.settings(deadPort).build());
            offline.publish("devices/" + device.deviceId() + "/private", utf8("personal reading"), Qos.AT_LEAST_ONCE);
            assertThat(offline.pendingMessages()).isEqualTo(1);
        }
        try (DeviceSecurity device = device()) {
            device.factoryReset(IdentityRotation.KEEP).destroy();
            DeviceMqttClient after = device.mqtt(MQTT.settings(deadPort).build());
            assertThat(after.pendingMessages()).isZero();
        }
        assertThat(Files.isDirectory(outbox)).isTrue();
    }

    @Test
    void mqttSettings_badFields_nameTheField() {
        TrustAnchors anchors = TrustAnchors.of(List.of(MQTT.pki().caCertificate()));
        assertThatThrownBy(() -> MqttSettings.builder(" ", 8883, anchors).build()).hasMessageContaining("host");
        assertThatThrownBy(() -> MqttSettings.builder("h", 0, anchors).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> MqttSettings.builder("h", 8883, null).build()).hasMessageContaining("trustAnchors");
        assertThatThrownBy(() -> MqttSettings.builder("h", 8883, anchors).renewalWindow(Duration.ofDays(-1)).build())
                .hasMessageContaining("renewalWindow");
        assertThatThrownBy(() -> MqttSettings.builder("h", 8883, anchors).connectTimeout(Duration.ZERO).build())
                .hasMessageContaining("connectTimeout");
        MqttSettings defaults = MqttSettings.builder("h", 8883, anchors).build();
        assertThat(defaults.tlsSettings()).isSameAs(TlsSettings.MODERN);
        assertThat(defaults.reconnectPolicy()).isSameAs(ReconnectPolicy.DEFAULT);
        assertThat(defaults.protocol()).isEqualTo(MqttProtocol.MQTT_5);
        assertThat(defaults.renewalWindow()).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.outboxFolder()).isEmpty();
    }

    @Test
    void installCertificateChain_whileConnected_switchesTheLiveConnectionAndKeepsWorking() throws Exception {
        List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
        List<X509Certificate> expiring = new CopyOnWriteArrayList<>();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        TransportEventListener listener = new TransportEventListener() {
            @Override
            public void certificateExpiring(X509Certificate certificate, Instant notAfter) {
                expiring.add(certificate);
            }

            @Override
            public void connectionStateChanged(ConnectionState state) {
                states.add(state);
            }
        };
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            issue(device, Duration.ofDays(5)); // expires in 4 days: inside a 7-day renewal window
            String ns = "devices/" + device.deviceId() + "/";
            cloud.subscribe(ns + "telemetry", Qos.AT_LEAST_ONCE, atCloud::add);
            DeviceMqttClient client = device.mqtt(MQTT.settings().listener(listener)
                    .renewalWindow(Duration.ofDays(7)).build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "the renewal event", () -> expiring.size() == 1);
            assertThat(expiring.get(0)).isEqualTo(device.certificateChain().get(0));

            issue(device, Duration.ofDays(365));
            assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(states).doesNotContain(ConnectionState.DISCONNECTED);
            client.publish(ns + "telemetry", utf8("after renewal"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "message after renewal", () -> !atCloud.isEmpty());
            assertThat(expiring).as("the renewed certificate is far from expiry").hasSize(1);
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.certificateChain().get(0).getNotAfter().toInstant())
                    .isAfter(Instant.now().plus(Duration.ofDays(300)));
        }
    }
}
