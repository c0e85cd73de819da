package io.devsec.core;

import static io.devsec.core.MqttTestFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.JsonValue;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.Subscription;
import io.devsec.core.validation.ValidatedMessage;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.Qos;
import io.devsec.update.UpdateSchedule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 section 2: one call from topic to validated object, DevSec's reserved command topic, echoes, settings. */
class MessageSubscriptionTest {
    static final Schema SETPOINT = Schema.of(Rules.object().required("celsius", Rules.number(5, 30)).build());

    @RegisterExtension
    static final MqttTestFixture MQTT = new MqttTestFixture("Messages Device CA", "msg-");

    @TempDir
    Path dir;

    DeviceSecurity device() throws Exception {
        DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Thermostat")
                .build();
        MQTT.issue(device, Duration.ofDays(365));
        return device;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<SecurityEvent> invalidInput(DeviceSecurity device) {
        return device.events().recentEvents().stream().filter(e -> e.type() == SecurityEvent.Type.INVALID_INPUT)
                .collect(Collectors.toList());
    }

    /** Publishes until the handler list is not empty (the subscription is live once one arrives). */
    static void publishUntilReceived(DeviceMqttClient cloud, String topic, byte[] payload, List<?> received) {
        Conditions.await(WAIT, "a message on " + topic + " at the device", () -> {
            try {
                cloud.publish(topic, payload, Qos.AT_LEAST_ONCE).await(WAIT);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return !received.isEmpty();
        });
    }

    @Test
    void registryAndSubscribe_applicationCmdSetpoint_validSetpointIsNotAndedWithDevSecCommandSchema() throws Exception {
        // The old shape: registry entry plus a raw subscription. DevSec used to pre-register devices/+/cmd/#, so every
        // valid setpoint was refused with "MISSING_FIELD at $.command".
        List<InboundMessage> received = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            device.validators().register(ns + "cmd/setpoint", SETPOINT);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(ns + "cmd/setpoint", Qos.AT_LEAST_ONCE, received::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "cmd/setpoint", utf8("{\"celsius\":21.5}"), received);
            assertThat(invalidInput(device)).isEmpty();
        }
    }

    @Test
    void subscription_validSetpoint_reachesTheHandlerParsedOnceAndMatchedOnce() throws Exception {
        AtomicInteger parses = new AtomicInteger();
        Map<JsonValue, Boolean> parsed = new IdentityHashMap<>();
        List<ValidatedMessage<JsonValue>> received = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(Subscription.to("cmd/setpoint").<JsonValue>parser(payload -> {
                parses.incrementAndGet();
                JsonValue n = SETPOINT.parse(payload);
                synchronized (parsed) {
                    parsed.put(n, Boolean.TRUE);
                }
                return n;
            }).handler(received::add));
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "cmd/setpoint", utf8("{\"celsius\":21.5}"), received);
            ValidatedMessage<JsonValue> m = received.get(0);
            assertThat(m.value().get("celsius").get().asDouble()).isEqualTo(21.5);
            assertThat(m.relativeTopic()).isEqualTo("cmd/setpoint");
            assertThat(m.topic()).isEqualTo(ns + "cmd/setpoint");
            // The handler got the very object the one parse made, and there was one parse per delivered message.
            synchronized (parsed) {
                assertThat(parsed).containsKey(m.value());
            }
            assertThat(parses.get()).isEqualTo(received.size());
            assertThat(invalidInput(device)).isEmpty();
        }
    }

    @Test
    void subscription_refusedMessage_eventNamesTheFilterAndTheRule() throws Exception {
        List<ValidatedMessage<JsonValue>> received = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(Subscription.to("cmd/+").schema(SETPOINT).handler(received::add));
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "cmd/setpoint", utf8("{\"celsius\":20}"), received);
            cloud.publish(ns + "cmd/setpoint", utf8("{\"celsius\":\"hot\"}"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the refusal", () -> !invalidInput(device).isEmpty());
            SecurityEvent refusal = invalidInput(device).get(0);
            assertThat(refusal.attributes().get("detail")).contains("filter 'cmd/+'").contains("WRONG_TYPE at $.celsius");
            assertThat(refusal.attributes()).containsEntry("validationReason", "WRONG_TYPE")
                    .containsEntry("path", "$.celsius");
            assertThat(refusal.attributes().toString()).doesNotContain("hot");
            // publishUntilReceived may deliver the valid setpoint more than once under load; the refused one never
            // reaches the handler.
            assertThat(received).isNotEmpty()
                    .allSatisfy(m -> assertThat(m.value().get("celsius").get().kind()).isEqualTo(JsonValue.Kind.NUMBER));
        }
    }

    @Test
    void subscribe_filterOverlappingDevSecsReservedSubtree_isRefusedAtOnce() throws Exception {
        for (String f : List.of("#", "devsec/#", "devsec/+", "+/cmd", "+/setpoint", "devsec", "+/#", "devsec/cmd")) {
            assertThatThrownBy(() -> Subscription.to(f)).as(f).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved subtree 'devsec/'");
        }
        Subscription.to("cmd/#").schema(SETPOINT).handler(m -> { });
        Subscription.to("cmd/+/set").schema(SETPOINT).handler(m -> { });
        Subscription.to("devsecx/#").schema(SETPOINT).handler(m -> { });
        try (DeviceSecurity device = device()) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThatThrownBy(() -> client.subscribe(ns + "#", Qos.AT_LEAST_ONCE, m -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved subtree");
            assertThatThrownBy(() -> client.unsubscribe(ns + DeviceSecurity.COMMAND_TOPIC))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void checkUpdateCommand_onTheReservedTopic_runsAnUpdateCheck() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        UpdateSigner maker = new UpdateSigner();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            device.startUpdates(UpdateSettings.builder(maker.root(Instant.now().plus(Duration.ofDays(30))),
                    UpdateSigner.HARDWARE).source(installed -> {
                        polls.incrementAndGet();
                        return Optional.empty();
                    }).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO)).build());
            int before = polls.get();
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            Conditions.await(WAIT, "an update check after check_update", () -> {
                try {
                    cloud.publish(ns + DeviceSecurity.COMMAND_TOPIC, utf8("{\"command\":\"check_update\",\"id\":\"c-1\"}"),
                            Qos.AT_LEAST_ONCE).await(WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return polls.get() > before;
            });
            assertThat(invalidInput(device)).isEmpty();
        }
    }

    @Test
    void ownPublish_echoedByAWildcardSubscription_isNotReportedAsInvalidInput() throws Exception {
        List<InboundMessage> received = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            device.validators().register(ns + "room/+", SETPOINT);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(ns + "room/+", Qos.AT_LEAST_ONCE, received::add);
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "room/setpoint", utf8("{\"celsius\":19}"), received);
            // The device's own reading does not match the setpoint schema; MQTT 3.1.1 sends it back to the device.
            client.publish(ns + "room/temperature", utf8("{\"t\":21.4}"), Qos.AT_LEAST_ONCE).await(WAIT);
            int seen = received.size();
            cloud.publish(ns + "room/setpoint", utf8("{\"celsius\":22}"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the marker after the echo", () -> received.size() > seen);
            assertThat(invalidInput(device)).isEmpty();
            assertThat(received).noneMatch(m -> m.topic().endsWith("room/temperature"));
        }
    }

    @Test
    void ownPublish_echoedToASubscription_isDroppedWithoutAnEvent() throws Exception {
        List<ValidatedMessage<JsonValue>> received = new CopyOnWriteArrayList<>();
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            String ns = "devices/" + device.deviceId() + "/";
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            client.subscribe(Subscription.to("room/+").schema(SETPOINT).handler(received::add));
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "room/setpoint", utf8("{\"celsius\":19}"), received);
            client.publish(ns + "room/temperature", utf8("{\"t\":21.4}"), Qos.AT_LEAST_ONCE).await(WAIT);
            int seen = received.size();
            cloud.publish(ns + "room/setpoint", utf8("{\"celsius\":22}"), Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the marker after the echo", () -> received.size() > seen);
            assertThat(invalidInput(device)).isEmpty();
        }
    }

    @Test
    void mqttSettings_transportCustomizer_reachesMaxInflightWriteCoalescingAndInboundLimit() throws Exception {
        try (DeviceSecurity device = device(); DeviceMqttClient cloud = MQTT.cloud(dir)) {
            assertThatThrownBy(() -> device.mqtt(MQTT.settings().transport(t -> t.maxInflight(0)).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInflight");
            assertThatThrownBy(() -> device.mqtt(MQTT.settings().transport(t -> t.writeCoalescing(Duration.ofMillis(20)))
                    .build())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeCoalescing");
            String ns = "devices/" + device.deviceId() + "/";
            List<ValidatedMessage<JsonValue>> received = new CopyOnWriteArrayList<>();
            DeviceMqttClient client = device.mqtt(MQTT.settings()
                    .transport(t -> t.maxInflight(4).writeCoalescing(Duration.ZERO).maxInboundPayloadBytes(40)).build());
            client.subscribe(Subscription.to("cmd/setpoint").schema(SETPOINT).handler(received::add));
            assertThat(client.awaitConnected(WAIT)).isTrue();
            publishUntilReceived(cloud, ns + "cmd/setpoint", utf8("{\"celsius\":21}"), received);
            cloud.publish(ns + "cmd/setpoint", utf8("{\"celsius\":21, \"pad\":\"" + "x".repeat(40) + "\"}"),
                    Qos.AT_LEAST_ONCE).await(WAIT);
            Conditions.await(WAIT, "the size refusal", () -> invalidInput(device).stream()
                    .anyMatch(e -> "TOO_LARGE".equals(e.attributes().get("reason"))));
        }
    }

    @Test
    void mqttSettings_customizerCannotWidenTheNamespace() throws Exception {
        try (DeviceSecurity device = device()) {
            DeviceMqttClient client = device.mqtt(MQTT.settings()
                    .transport(t -> t.namespace(io.devsec.transport.TopicNamespace.withPrefix("devices/"))).build());
            assertThat(client.namespace().prefix()).isEqualTo("devices/" + device.deviceId() + "/");
        }
    }
}
