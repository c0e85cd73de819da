package io.devsec.examples;

import static io.devsec.examples.DemoRun.pad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.MqttSettings;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.validation.JsonLimits;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.ValidationException;
import io.devsec.core.validation.ValidatorRegistry;
import io.devsec.core.validation.Validators;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicOutsideNamespaceException;
import io.devsec.transport.TrustAnchors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Recipe: a gateway that bridges local sensors to the cloud.
 *
 * <p>The gateway is a device with its own DevSec identity (keystore, device id, CA-issued certificate). Three
 * local sensors (two thermometers and a door contact, on a radio link of their own such as Zigbee or BLE) hand
 * it their readings as raw JSON. The gateway trusts none of them: every reading goes through a
 * {@link ValidatorRegistry} with one registered {@link Schema} per paired sensor (default deny: an unpaired
 * sensor has no schema and is refused), and only a valid reading is forwarded upstream, re-wrapped in DevSec's
 * telemetry format, over mutual TLS to the broker. Each refusal becomes an {@code INVALID_INPUT} event on the
 * gateway's security event stream ({@link DeviceSecurity#reportInvalidInput}) that names the reason and the
 * path, never the refused value. The back end validates what arrives as well.
 *
 * <p>Usage: {@code java -cp devsec-examples.jar io.devsec.examples.GatewaySample [--data FOLDER]}. Without
 * {@code --data} it runs in a fresh temporary folder and removes it at the end. Exit code 0 when every reading
 * was forwarded or refused as expected.
 */
public final class GatewaySample {

    /** The sensors paired with the gateway, each with the schema of its readings. */
    static final Map<String, Schema> PAIRED_SENSORS;

    /** A sensor reading is one small flat JSON object. */
    static final JsonLimits READING_LIMITS = JsonLimits.builder().maxDocumentBytes(256).maxDepth(1)
            .maxStringLength(32).maxFieldNameLength(16).maxNumberLength(12).maxEntries(4).build();

    /** {@code {"seq":7,"celsius":21.5}}: a thermometer rated from -40 to 125 degrees. */
    static final Schema THERMOMETER = Schema.of(Rules.object()
            .required("seq", Rules.integer(0, Integer.MAX_VALUE))
            .required("celsius", Rules.number(-40, 125))
            .build(), READING_LIMITS);

    /** {@code {"seq":7,"open":false}}: a door contact. */
    static final Schema DOOR_CONTACT = Schema.of(Rules.object()
            .required("seq", Rules.integer(0, Integer.MAX_VALUE))
            .required("open", Rules.bool())
            .build(), READING_LIMITS);

    static {
        Map<String, Schema> sensors = new LinkedHashMap<>();
        sensors.put("therm-kitchen", THERMOMETER);
        sensors.put("therm-garage", THERMOMETER);
        sensors.put("door-front", DOOR_CONTACT);
        PAIRED_SENSORS = java.util.Collections.unmodifiableMap(sensors);
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private int step;

    private GatewaySample(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the sample and returns the process exit code (tests call this). */
    public static int run(String[] args, PrintStream out) {
        return DemoRun.run(args, out, "devsec-gateway-",
                "usage: java -cp devsec-examples.jar io.devsec.examples.GatewaySample [--data FOLDER]",
                "Gateway sample finished: valid readings forwarded, invalid ones refused.",
                e -> "GATEWAY SAMPLE FAILED: " + e, data -> new GatewaySample(out).tell(data));
    }

    /**
     * The gateway's bridge: validates a sensor's raw reading and forwards it upstream. Thread-safe; a real
     * gateway calls {@link #accept} from its radio stack's receive thread.
     */
    static final class Bridge {
        private final ValidatorRegistry readings = Validators.registry();
        private final DeviceSecurity gateway;
        private final DeviceMqttClient upstream;
        private final Clock clock;
        private final AtomicLong sequence = new AtomicLong();

        Bridge(DeviceSecurity gateway, DeviceMqttClient upstream, Clock clock) {
            this.gateway = gateway;
            this.upstream = upstream;
            this.clock = clock;
        }

        /** Pairs a sensor: from now on its readings are checked against {@code schema}. */
        Bridge pair(String sensorId, Schema schema) {
            readings.register(localTopic(sensorId), schema);
            return this;
        }

        /**
         * Validates one raw reading from {@code sensorId} and, when valid, publishes it upstream (QoS 1) as
         * DevSec telemetry on {@code devices/{gatewayId}/sensors/{sensorId}/telemetry}.
         *
         * @return the upstream topic
         * @throws ValidationException when the sensor is not paired or the reading breaks its schema; an
         *     {@code INVALID_INPUT} event is published first
         */
        String accept(String sensorId, byte[] raw) throws ValidationException, IOException, TopicOutsideNamespaceException {
            JsonNode reading;
            try {
                // The sensor id is part of the local topic, so an odd id ("a/b", "+") matches no filter either.
                readings.validate(localTopic(sensorId), raw);
                reading = JSON.readTree(raw);
            } catch (ValidationException e) {
                // On the gateway's one security event stream, with the reason and path, never the reading.
                gateway.reportInvalidInput("sensor-link", e);
                throw e;
            }
            ObjectNode metrics = JSON.createObjectNode();
            metrics.put("sensor", sensorId);
            reading.fields().forEachRemaining(f -> metrics.set(f.getKey().equals("seq") ? "sensor_seq" : f.getKey(),
                    f.getValue()));
            ObjectNode telemetry = JSON.createObjectNode();
            telemetry.put("version", 1);
            telemetry.put("time", clock.instant().toString());
            telemetry.put("seq", sequence.incrementAndGet());
            telemetry.set("metrics", metrics);
            byte[] payload = JSON.writeValueAsBytes(telemetry);
            MessageSchemas.TELEMETRY.validate(payload); // the gateway checks its own output too
            String topic = upstream.namespace().topic("sensors/" + sensorId + "/telemetry");
            upstream.publish(topic, payload, Qos.AT_LEAST_ONCE);
            return topic;
        }

        private static String localTopic(String sensorId) {
            return "sensors/" + sensorId + "/reading";
        }
    }

    private void tell(Path data) throws Exception {
        out.println("DevSec gateway sample: one gateway, " + PAIRED_SENSORS.size() + " local sensors, one broker"
                + " (data folder " + data + ")");

        heading("The back end: a device CA and an MQTT broker (embedded Moquette, mutual TLS only)");
        DemoCa ca = DemoCa.create("Acme Device CA");
        try (DemoBroker broker = DemoBroker.start(data.resolve("broker"), ca);
                DeviceSecurity gateway = DeviceSecurity.builder().dataFolder(data.resolve("gateway"))
                        .productName("Acme Home Gateway").build()) {
            out.println("  Broker:             127.0.0.1:" + broker.port() + ", client certificates from "
                    + ca.certificate().getSubjectX500Principal().getName());

            heading("The gateway starts: its own identity, and a certificate issued from its CSR");
            String gatewayId = gateway.deviceId();
            gateway.installCertificateChain(ca.signCsr(gateway.certificateSigningRequestDer(), Duration.ofDays(365)));
            gateway.takeInitialPassword().ifPresent(p -> java.util.Arrays.fill(p, '\0'));
            out.println("  Gateway id:         " + gatewayId + " (keystore " + DeviceSecurity.KEYSTORE_FILE + ")");
            out.println("  Certificate:        issued by the CA, self-signed one replaced: "
                    + !gateway.status().certificateSelfSigned());

            // The back end subscribes to every gateway's sensor telemetry and validates it too.
            List<InboundMessage> atCloud = new CopyOnWriteArrayList<>();
            AtomicBoolean probeSeen = new AtomicBoolean();
            String probeTopic = "devices/" + gatewayId + "/sensors/probe/telemetry";
            ValidatorRegistry cloudChecks = Validators.registry()
                    .register("devices/+/sensors/+/telemetry", MessageSchemas.TELEMETRY);
            try (DeviceMqttClient cloud = DemoCloud.connect("acme-cloud-gw", ca, broker, data.resolve("cloud-outbox"),
                    Validators.messageValidator(cloudChecks), WAIT)) {
                cloud.subscribe("devices/+/sensors/+/telemetry", Qos.AT_LEAST_ONCE, m -> {
                    if (m.topic().equals(probeTopic)) {
                        probeSeen.set(true);
                    } else {
                        atCloud.add(m);
                    }
                });

                heading("The gateway connects upstream over mutual TLS");
                MqttSettings settings = MqttSettings.builder("localhost", broker.port(),
                        TrustAnchors.of(List.of(ca.certificate()))).protocol(MqttProtocol.MQTT_3_1_1)
                        .reconnectPolicy(DemoCloud.LOOPBACK_RECONNECT).build();
                DeviceMqttClient upstream = gateway.mqtt(settings);
                check(upstream.awaitConnected(WAIT), "the gateway connects over mutual TLS");
                out.println("  Connected:          client id " + upstream.clientId() + ", topics limited to "
                        + upstream.namespace().prefix());
                // Make sure the back end's subscription is active before the first reading goes up.
                DemoCloud.awaitSubscribed(upstream, probeTopic, probeTelemetry(), probeSeen::get, WAIT);

                heading("Pairing: one schema per sensor; anything else is refused (default deny)");
                Bridge bridge = new Bridge(gateway, upstream, Clock.systemUTC());
                PAIRED_SENSORS.forEach((sensor, schema) -> {
                    bridge.pair(sensor, schema);
                    out.println("  Paired:             " + pad(sensor, 14) + (schema == THERMOMETER
                            ? "{\"seq\": integer, \"celsius\": number from -40 to 125}"
                            : "{\"seq\": integer, \"open\": boolean}"));
                });

                heading("Valid readings are forwarded upstream");
                List<String[]> valid = List.of(
                        new String[] {"therm-kitchen", "{\"seq\":1,\"celsius\":21.5}"},
                        new String[] {"therm-garage", "{\"seq\":1,\"celsius\":8.25}"},
                        new String[] {"door-front", "{\"seq\":1,\"open\":false}"});
                for (String[] r : valid) {
                    String topic = bridge.accept(r[0], utf8(r[1]));
                    out.println("  " + pad(r[0], 14) + r[1] + " -> " + topic);
                }
                awaitCondition(() -> atCloud.size() >= valid.size(), "the back end receives the valid readings");
                for (InboundMessage m : atCloud) {
                    out.println("  Cloud received:     " + new String(m.payload(), StandardCharsets.UTF_8));
                }

                heading("Invalid readings are refused at the gateway and never leave it");
                List<String[]> invalid = List.of(
                        new String[] {"therm-garage", "{\"seq\":2,\"celsius\":900}"},
                        new String[] {"door-front", "{\"seq\":2,\"open\":\"yes\"}"},
                        new String[] {"therm-kitchen", "{\"seq\":2,\"celsius\":21.6,\"wifi\":\"hunter2\"}"},
                        new String[] {"therm-kitchen", "{\"seq\":3,\"celsius\":"},
                        new String[] {"therm-kitchen", "{\"seq\":3,\"celsius\":21.7,\"seq\":4}"},
                        new String[] {"rogue-sensor", "{\"seq\":1,\"celsius\":20}"},
                        new String[] {"+", "{\"seq\":1,\"open\":true}"});
                List<ValidationException.Reason> reasons = new ArrayList<>();
                for (String[] r : invalid) {
                    try {
                        bridge.accept(r[0], utf8(r[1]));
                        throw new IllegalStateException("an invalid reading was forwarded: " + r[1]);
                    } catch (ValidationException e) {
                        reasons.add(e.reason());
                        out.println("  " + pad(r[0], 14) + r[1]);
                        out.println("  " + pad("", 14) + "refused: " + e.getMessage());
                    }
                }
                List<SecurityEvent> refusals = gateway.events().recentEvents().stream()
                        .filter(e -> "sensor-link".equals(e.attributes().get("boundary"))).toList();
                check(refusals.size() == invalid.size(), "one INVALID_INPUT event per refused reading");
                check(refusals.stream().allMatch(e -> e.type() == SecurityEvent.Type.INVALID_INPUT),
                        "the events are INVALID_INPUT");
                check(refusals.stream().noneMatch(e -> e.toString().contains("hunter2")),
                        "no event carries the refused value");
                out.println("  Security events:    " + refusals.size() + " x INVALID_INPUT, reasons " + reasons
                        + " (no refused value in any of them)");

                heading("The link keeps working: the next valid readings go through");
                for (String sensor : PAIRED_SENSORS.keySet()) {
                    String reading = PAIRED_SENSORS.get(sensor) == THERMOMETER ? "{\"seq\":4,\"celsius\":20.0}"
                            : "{\"seq\":3,\"open\":true}";
                    bridge.accept(sensor, utf8(reading));
                }
                int expected = valid.size() + PAIRED_SENSORS.size();
                awaitCondition(() -> atCloud.size() >= expected, "the back end receives the later readings");
                check(atCloud.size() == expected, "the back end received only valid readings");
                for (InboundMessage m : atCloud) {
                    MessageSchemas.TELEMETRY.validate(m.payload());
                }
                out.println("  Cloud received:     " + atCloud.size() + " readings in all, every one valid DevSec "
                        + "telemetry; none of the " + invalid.size() + " refused readings");
            }
        }
    }

    /** A valid telemetry message used only to find out when the back end's subscription is active. */
    private static byte[] probeTelemetry() {
        return utf8("{\"version\":1,\"time\":\"" + Instant.now() + "\",\"seq\":0,\"metrics\":{\"probe\":true}}");
    }

    private void heading(String title) {
        out.println();
        out.println(++step + ". " + title);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("expected: " + what);
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
