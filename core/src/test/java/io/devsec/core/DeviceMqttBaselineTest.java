package io.devsec.core;

import static io.devsec.core.MqttTestFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.surface.ListeningSocket;
import io.devsec.core.surface.ListeningSockets;
import io.devsec.testkit.MoquetteBroker;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicOutsideNamespaceException;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The facade's baseline over MQTT (embedded Moquette, mutual TLS): validation, telemetry, consent, wipe, sockets. */
class DeviceMqttBaselineTest {
    static final Purpose LOCATION = Purpose.builder("location").description("room-level location")
            .processor("Acme Cloud").reason("find the device in the app").build();

    @RegisterExtension
    static final MqttTestFixture MQTT = new MqttTestFixture("Baseline Device CA", "base-");

    @TempDir
    Path dir;

    DeviceSecurity device() throws Exception {
        DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor")
                .purposes(LOCATION).build();
        MQTT.issue(device, Duration.ofDays(365));
        return device;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(InboundMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void mqtt_defaultValidation_registeredTopicsPassInvalidCommandsAndUnregisteredTopicsBecomeEvents() throws Exception {
        List<InboundMessage> atDevice = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            device.validators().register(ns + "cmd/#", io.devsec.core.validation.MessageSchemas.command(List.of("ping")));
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(ns + "cmd/#", Qos.AT_LEAST_ONCE, atDevice::add);
            client.subscribe(ns + "other", Qos.AT_LEAST_ONCE, atDevice::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "a valid command at the device", () -> {
                try {
                    cloud.publish(ns + "cmd/ping", utf8("{\"command\":\"ping\",\"id\":\"c-1\"}"), Qos.AT_LEAST_ONCE)
                            .await(WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return !atDevice.isEmpty();
            });
            cloud.publish(ns + DeviceSecurity.COMMAND_TOPIC, utf8("{\"command\":\"format_disk\",\"id\":\"c-2\"}"),
                    Qos.AT_LEAST_ONCE).await(WAIT);
            cloud.publish(ns + "other", utf8("no validator for this topic"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "two INVALID_INPUT events", () -> device.events().recentEvents().stream()
                    .filter(e -> e.type() == SecurityEvent.Type.INVALID_INPUT).count() >= 2);
            assertThat(atDevice).allMatch(m -> m.topic().equals(ns + "cmd/ping"));
            assertThat(device.events().recentEvents()).filteredOn(e -> e.type() == SecurityEvent.Type.INVALID_INPUT)
                    .allSatisfy(e -> assertThat(e.attributes().toString()).doesNotContain("format_disk"));
        }
    }

    @Test
    void mqtt_withApplicationValidator_devsecCommandsStillUseTheirSchema() throws Exception {
        List<InboundMessage> atDevice = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().validator(m -> {
                if (text(m).contains("evil")) {
                    throw io.devsec.transport.InvalidMessageException.rejected(m.topic(), "refused by the application");
                }
            }).build());
            client.subscribe(ns + "relay/#", Qos.AT_LEAST_ONCE, atDevice::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "an application message", () -> {
                try {
                    cloud.publish(ns + "relay/set", utf8("on"), Qos.AT_LEAST_ONCE).await(WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return !atDevice.isEmpty();
            });
            cloud.publish(ns + "relay/set", utf8("evil"), Qos.AT_LEAST_ONCE).await(WAIT);
            cloud.publish(ns + DeviceSecurity.COMMAND_TOPIC, utf8("{\"command\":\"format_disk\",\"id\":\"c-9\"}"),
                    Qos.AT_LEAST_ONCE).await(WAIT);
            cloud.publish(ns + DeviceSecurity.COMMAND_TOPIC, utf8("{\"command\":\"check_update\",\"id\":\"c-10\"}"),
                    Qos.AT_LEAST_ONCE).await(WAIT);
            cloud.publish(ns + "relay/marker", utf8("off"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the marker", () -> atDevice.stream().anyMatch(m -> m.topic().endsWith("relay/marker")));
            Conditions.await(WAIT, "two refusals", () -> device.events().recentEvents().stream()
                    .filter(e -> e.type() == SecurityEvent.Type.INVALID_INPUT).count() >= 2);
            assertThat(atDevice).noneMatch(m -> m.topic().contains("devsec") || text(m).equals("evil"));
            assertThat(device.events().recentEvents().stream().filter(e -> e.type() == SecurityEvent.Type.INVALID_INPUT))
                    .hasSize(2);
        }
    }

    @Test
    void publishSecurityTelemetry_failedLoginReachesTheSecurityEventsTopic() throws Exception {
        List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            cloud.subscribe(ns + "security/#", Qos.AT_LEAST_ONCE, atCloud::add);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            device.publishSecurityTelemetry(client);
            device.publishSecurityTelemetry(client);
            try {
                device.login("wrong password here".toCharArray());
            } catch (WrongPasswordException expected) {
                // the event is what this test is about
            }
            Conditions.await(WAIT, "LOGIN_FAILED at the cloud",
                    () -> atCloud.stream().anyMatch(m -> text(m).contains("LOGIN_FAILED")));
            assertThat(atCloud).allMatch(m -> m.topic().startsWith(ns + "security/"));
            assertThat(atCloud.stream().filter(m -> text(m).contains("LOGIN_FAILED")).count()).as("one exporter").isEqualTo(1);
            assertThat(atCloud).noneMatch(m -> text(m).contains("wrong password here"));
        }
    }

    @Test
    void personalTelemetry_heldUntilConsentThenSent() throws Exception {
        List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            cloud.subscribe(ns + "telemetry/#", Qos.AT_LEAST_ONCE, atCloud::add);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            PersonalTelemetry personal = device.personalTelemetry(client).orElseThrow();
            assertThat(personal.offer("location", "telemetry/location", utf8("kitchen"))).isEqualTo(ConsentGate.Decision.HELD);
            assertThat(personal.heldCount("location")).isEqualTo(1);
            client.publish(ns + "telemetry/plain", utf8("no personal data"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "plain telemetry", () -> !atCloud.isEmpty());
            assertThat(atCloud).noneMatch(m -> text(m).equals("kitchen"));
            device.consents().orElseThrow().grant("location");
            Conditions.await(WAIT, "released location", () -> atCloud.stream().anyMatch(m -> text(m).equals("kitchen")));
            assertThat(personal.offer("location", "telemetry/location", utf8("hall"))).isEqualTo(ConsentGate.Decision.SEND);
            Conditions.await(WAIT, "sent location", () -> atCloud.stream().anyMatch(m -> text(m).equals("hall")));
            device.consents().orElseThrow().withdraw("location");
            assertThat(personal.offer("location", "telemetry/location", utf8("attic"))).isEqualTo(ConsentGate.Decision.DROPPED);
        }
    }

    @Test
    void wipePersonalData_clearsTheOutboxAndClosesTheClients() throws Exception {
        int deadPort = MoquetteBroker.freePort();
        try (DeviceSecurity device = device()) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient offline = device.mqtt(MQTT.settings(deadPort).build());
            offline.publish(ns + "telemetry", utf8("queued personal reading"), Qos.AT_LEAST_ONCE);
            offline.publish(ns + "telemetry", utf8("another one"), Qos.AT_LEAST_ONCE);
            assertThat(offline.pendingMessages()).isEqualTo(2);
            WipeReceipt receipt = device.wipePersonalData();
            assertThat(receipt.keysDestroyed()).contains(ConnectivityPart.OUTBOX_KEY);
            assertThat(receipt.extraActions().get("outbox").items()).isPositive();
            assertThat(offline.state()).isEqualTo(ConnectionState.CLOSED);
            Path outbox = dir.resolve("device").resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER);
            try (Stream<Path> files = Files.list(outbox)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
            DeviceMqttClient fresh = device.mqtt(MQTT.settings(deadPort).build());
            assertThat(fresh.pendingMessages()).as("nothing comes back").isZero();
        }
    }

    @Test
    void fullyConfiguredDevice_opensNoListeningSocket() throws Exception {
        assumeTrue(ListeningSockets.supported(), "listening sockets are read from /proc/net (Linux only)");
        Set<ListeningSocket> before = new HashSet<>(ListeningSockets.ofThisProcess());
        UpdateSigner maker = new UpdateSigner();
        try (DeviceSecurity device = device()) {
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            device.publishSecurityTelemetry(client);
            device.startUpdates(UpdateSettings.builder(maker.root(Instant.now().plus(Duration.ofDays(30))),
                    UpdateSigner.HARDWARE).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1),
                    Duration.ZERO)).build());
            Set<ListeningSocket> after = new HashSet<>(ListeningSockets.ofThisProcess());
            assertThat(after).isEqualTo(before);
            assertThat(device.attackSurfaceReport().endpoints()).hasSize(1)
                    .allSatisfy((name, uri) -> assertThat(uri.toString()).startsWith("ssl://localhost:"));
            assertThat(device.attackSurfaceReport().features()).containsKeys("mqtt", "updates", "security-telemetry");
        }
    }

    @Test
    void compromisedDevice_quarantinesItsClientsUntilAValidUpdateIsConfirmed() throws Exception {
        UpdateSigner maker = new UpdateSigner();
        Instant expires = Instant.now().plus(Duration.ofDays(30));
        byte[] root = maker.root(expires);
        AtomicReference<UpdateOffer> offered = new AtomicReference<>();
        UpdateSettings updates = UpdateSettings.builder(root, UpdateSigner.HARDWARE)
                .source(installed -> Optional.ofNullable(offered.getAndSet(null))).healthCheck(() -> { })
                .trialPolicy(TrialPolicy.of(1, Duration.ofMinutes(10)))
                .schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO)).build();
        byte[] image = UpdateSigner.image(2);
        offered.set(UpdateOffer.of(List.of(), maker.update(2, image, expires), () -> new ByteArrayInputStream(image)));
        try (DeviceSecurity device = device()) {
            assertThat(device.startUpdates(updates).checkNow()).isPresent();
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.startUpdates(updates).installedVersion()).isEqualTo(2);
        }
        Path image2 = dir.resolve("device").resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER).resolve("slot-b").resolve("image");
        byte[] bytes = Files.readAllBytes(image2);
        bytes[7] ^= 1;
        Files.write(image2, bytes);

        List<InboundMessage> alerts = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            cloud.subscribe(ns + DeviceSecurity.DEFAULT_ALERT_TOPIC, Qos.AT_LEAST_ONCE, alerts::add);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            UpdateAgent agent = device.startUpdates(updates);
            assertThat(device.status().compromised()).isTrue();
            assertThat(client.quarantined()).contains(ns + DeviceSecurity.DEFAULT_ALERT_TOPIC);
            assertThatThrownBy(() -> client.publish(ns + "telemetry", utf8("x"), Qos.AT_LEAST_ONCE))
                    .isInstanceOf(TopicOutsideNamespaceException.class);
            Conditions.await(WAIT, "the integrity alert at the cloud",
                    () -> alerts.stream().anyMatch(m -> text(m).contains("INTEGRITY_FAILURE")));
            byte[] image3 = UpdateSigner.image(3);
            offered.set(UpdateOffer.of(List.of(), maker.update(3, image3, expires), () -> new ByteArrayInputStream(image3)));
            assertThat(agent.checkNow()).isPresent();
        }
        try (DeviceSecurity device = device()) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.quarantined()).as("a new client of a compromised device").isPresent();
            assertThat(device.startUpdates(updates).installedVersion()).isEqualTo(3);
            assertThat(device.status().compromised()).isFalse();
            assertThat(client.quarantined()).as("lifted once v3 is verified and confirmed").isEmpty();
            assertThat(client.awaitConnected(WAIT)).isTrue();
            client.publish(ns + "telemetry", utf8("back to normal"), Qos.AT_LEAST_ONCE).await(WAIT);
        }
    }
}
