package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.events.SecurityEvent.Type;
import io.devsec.core.validation.CommandMessage;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.Validators;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TransportEventListener;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real components end to end: a back end publishes commands through an in-process Moquette (mutual
 * TLS) to a device whose transport runs core's validator registry and reports to core's event stream.
 * Only valid commands reach the device's handler; every refused one becomes an INVALID_INPUT event
 * and a JSON line, without its payload.
 */
class InboundValidationBrokerTest {

    @TempDir
    Path dir;

    @Test
    void invalidCommands_neverReachTheHandler_andEachBecomesASecurityEvent() throws Exception {
        SecurityEvents events = SecurityEvents.create();
        StringWriter lines = new StringWriter();
        events.subscribe(JsonLinesExporter.to(lines));
        MessageValidator validator = Validators.messageValidator(Validators.registry()
                .register("devices/dev1/cmd/#", MessageSchemas.COMMAND));
        TransportEventListener listener = EventAdapters.transportListener(events);
        List<InboundMessage> handled = new CopyOnWriteArrayList<>();
        String[] invalid = {
            "{\"command\":\"format_disk\",\"id\":\"1\"}",
            "{\"command\":\"check_update\",\"id\":\"2\",\"sudo\":\"hunter2\"}",
            "{\"command\":\"check_update\",\"id\":\"3\",\"args\":{\"nested\":{\"a\":1}}}",
            "{\"command\":\"check_update\",\"id\":\"4\"} trailing",
            "{\"command\":\"check_update\",\"id\":\"5\",\"id\":\"6\"}",
            "not json at all",
        };
        try (LoopbackMqtt mqtt = new LoopbackMqtt(dir.resolve("broker"));
                DeviceMqttClient device = mqtt.client("dev1", TopicNamespace.forDevice("dev1"), validator, listener);
                DeviceMqttClient cloud = mqtt.client("cloud", TopicNamespace.withPrefix("devices/"),
                        MessageValidator.ACCEPT_ALL, TransportEventListener.NONE)) {
            device.subscribe("devices/dev1/cmd/#", Qos.AT_LEAST_ONCE, handled::add);
            // Wait until the subscription is active: a valid ping gets through.
            LoopbackMqtt.await("the subscription to be active", () -> {
                try {
                    cloud.publish("devices/dev1/cmd/ping", "{\"command\":\"check_update\",\"id\":\"warmup\"}"
                            .getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE).await(LoopbackMqtt.WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return !handled.isEmpty();
            });
            long before = events.publishedCount();
            for (String payload : invalid) {
                cloud.publish("devices/dev1/cmd/x", payload.getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE)
                        .await(LoopbackMqtt.WAIT);
            }
            cloud.publish("devices/dev1/cmd/reboot", "{\"command\":\"check_update\",\"id\":\"ok-1\",\"args\":{\"delaySeconds\":5}}"
                    .getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE).await(LoopbackMqtt.WAIT);
            LoopbackMqtt.await("the valid reboot and all refusals", () -> handled.size() >= 2
                    && events.publishedCount() - before >= invalid.length);
        }
        // Only valid commands reached the application: the warm-up pings (one or more) and the reboot.
        for (InboundMessage m : handled) {
            CommandMessage.parse(m.payload());
        }
        assertThat(handled).extracting(InboundMessage::topic).filteredOn(t -> !t.endsWith("/ping"))
                .containsExactly("devices/dev1/cmd/reboot");
        assertThat(CommandMessage.parse(handled.get(handled.size() - 1).payload()).id()).isEqualTo("ok-1");
        List<SecurityEvent> refused = events.recentEvents().stream().filter(e -> e.type() == Type.INVALID_INPUT).toList();
        assertThat(refused).hasSize(invalid.length);
        assertThat(refused).extracting(e -> e.attributes().get("validationReason"))
                .containsExactly("NOT_ALLOWED", "UNKNOWN_FIELD", "TOO_DEEP", "TRAILING_DATA", "DUPLICATE_KEY", "MALFORMED");
        assertThat(lines.toString()).contains("\"type\":\"INVALID_INPUT\"").doesNotContain("hunter2");
        assertThat(lines.toString().lines().filter(l -> l.contains("INVALID_INPUT")).count()).isEqualTo(invalid.length);
    }
}
