package io.devsec.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.MqttSettings;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.validation.JsonLimits;
import io.devsec.core.validation.JsonValue;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.Subscription;
import io.devsec.core.validation.ValidatedMessage;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.Qos;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small device application built on DevSec: a smart plug whose relay the owner switches from the cloud.
 *
 * <p>The plug listens on {@code devices/{deviceId}/relay/set} for commands such as
 * {@code {"id":"c-17","relay":"on"}} ({@code "on"}, {@code "off"} or {@code "report"}) and answers each one by
 * publishing its state, {@code {"id":"c-17","relay":"on","time":"..."}}, on {@code devices/{deviceId}/relay/state}.
 * DevSec does the security work: mutual TLS with the device identity from the keystore, a topic namespace the
 * plug cannot leave, and validation of every command against {@link #COMMAND} (one
 * {@link Subscription} names the topic, the schema and the handler) before {@link #onCommand} gets it, parsed
 * once. An invalid command is dropped by
 * DevSec and becomes an {@code INVALID_INPUT} event on {@link DeviceSecurity#events()}, counted here in
 * {@link #refusedCommands()}; the application code never handles it.
 *
 * <p>{@code SmartPlugAppTest} (in the examples' tests) shows how such an application tests itself end to end
 * against an embedded broker.
 */
public final class SmartPlugApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmartPlugApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The command the plug accepts: a command id and what to do with the relay. Nothing else, at most 256 bytes. */
    public static final Schema COMMAND = Schema.of(Rules.object()
            .required("id", Rules.pattern(MessageSchemas.COMMAND_ID_PATTERN, 64))
            .required("relay", Rules.oneOf("on", "off", "report"))
            .build(), JsonLimits.builder().maxDocumentBytes(256).maxDepth(1).maxStringLength(64)
            .maxFieldNameLength(16).maxNumberLength(16).maxEntries(4).build());

    private final DeviceMqttClient mqtt;
    private final String commandTopic;
    private final String stateTopic;
    private final Clock clock;
    private final AtomicBoolean relayOn = new AtomicBoolean();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused;

    private SmartPlugApp(DeviceMqttClient mqtt, String deviceId, AtomicInteger refused, Clock clock) {
        this.mqtt = mqtt;
        this.refused = refused;
        this.commandTopic = "devices/" + deviceId + "/relay/set";
        this.stateTopic = "devices/" + deviceId + "/relay/state";
        this.clock = clock;
    }

    /**
     * Starts the plug on {@code device}: builds the device's MQTT client from {@code settings} (broker and trust
     * anchors) and subscribes to the command topic with {@link #COMMAND}. The client connects in the background:
     * see {@link #awaitConnected}.
     *
     * @throws IOException when the outbox cannot be opened
     * @throws GeneralSecurityException when the keystore cannot be read or the TLS context cannot be built
     */
    public static SmartPlugApp start(DeviceSecurity device, MqttSettings settings) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(settings, "settings");
        String deviceId = device.deviceId();
        String commandTopic = "devices/" + deviceId + "/relay/set";
        AtomicInteger refused = new AtomicInteger();
        device.events().subscribe(event -> {
            if (event.type() == SecurityEvent.Type.INVALID_INPUT && commandTopic.equals(event.attributes().get("topic"))) {
                refused.incrementAndGet();
            }
        });
        DeviceMqttClient mqtt = device.mqtt(settings);
        SmartPlugApp app = new SmartPlugApp(mqtt, deviceId, refused, Clock.systemUTC());
        // The one line of security code the application writes: its topic, the schema of its command and the
        // handler. DevSec checks and parses each message once before the handler runs, and reports each refusal
        // as an INVALID_INPUT security event naming the filter and the rule.
        mqtt.subscribe(Subscription.to("relay/set").schema(COMMAND).handler(app::onCommand));
        return app;
    }

    /** Waits until the plug is connected to the broker; false on timeout. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return mqtt.awaitConnected(timeout);
    }

    /** The topic the plug takes commands on. */
    public String commandTopic() {
        return commandTopic;
    }

    /** The topic the plug publishes its state on. */
    public String stateTopic() {
        return stateTopic;
    }

    /** Whether the relay is on. */
    public boolean relayOn() {
        return relayOn.get();
    }

    /** The ids of the commands that reached the application, in order. */
    public List<String> handledCommandIds() {
        return Collections.unmodifiableList(new ArrayList<>(handled));
    }

    /** How many commands DevSec refused before they reached the application (INVALID_INPUT events on its topic). */
    public int refusedCommands() {
        return refused.get();
    }

    /** The application's handler: only commands that passed {@link #COMMAND} arrive here, already parsed. */
    private void onCommand(ValidatedMessage<JsonValue> message) {
        JsonValue command = message.value();
        String id = command.get("id").get().asString();
        String relay = command.get("relay").get().asString();
        if (!relay.equals("report")) {
            relayOn.set(relay.equals("on"));
        }
        handled.add(id);
        ObjectNode state = JSON.createObjectNode();
        state.put("id", id);
        state.put("relay", relayOn.get() ? "on" : "off");
        state.put("time", clock.instant().toString());
        try {
            mqtt.publish(stateTopic, JSON.writeValueAsBytes(state), Qos.AT_LEAST_ONCE);
        } catch (IOException e) {
            LOG.warn("Could not publish the plug's state: {}", e.toString());
        }
    }

    /** Disconnects the plug (the {@link DeviceSecurity} stays open: it belongs to the caller). */
    @Override
    public void close() throws IOException {
        mqtt.close();
    }
}
