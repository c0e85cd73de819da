package io.devsec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.MqttSettings;
import io.devsec.core.events.SecurityEvent;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.Qos;
import io.devsec.transport.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recipe: how a device application tests itself with DevSec, end to end, on one machine.
 *
 * <p>The application under test is {@link SmartPlugApp}: a plug that switches its relay on a command from the
 * cloud and publishes its state. Nothing is mocked. The test starts:
 * <ol>
 *   <li>a device CA (made in code) and an MQTT broker (Moquette, in this JVM) that only accepts clients with a
 *       certificate from that CA: mutual TLS, as in production;</li>
 *   <li>a "cloud" client with its own certificate, standing in for the back end;</li>
 *   <li>for each test, a fresh device: {@link DeviceSecurity} in a {@code @TempDir}, so every test gets its
 *       own keystore, identity and outbox, and the CA issues its certificate from its CSR.</li>
 * </ol>
 * Then it talks to the plug the way the back end would and checks what comes back. Waiting is always on a
 * condition with a timeout, never a fixed sleep. The whole class runs in a few seconds.
 */
class SmartPlugAppTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    private static DemoCa ca;
    private static DemoBroker broker;
    private static DeviceMqttClient cloud;
    /** Every state message the cloud has received, from any plug. */
    private static final List<InboundMessage> statesAtCloud = new CopyOnWriteArrayList<>();

    @TempDir
    Path deviceFolder;

    private DeviceSecurity device;
    private SmartPlugApp plug;

    @BeforeAll
    static void startBrokerAndCloud() throws Exception {
        // Step 1: a CA and a broker that requires client certificates from it (about 1 s).
        ca = DemoCa.create("Test Device CA");
        broker = DemoBroker.start(shared.resolve("broker"), ca);
        // Step 2: the back end. It may read and write every device's topics; it trusts what it receives here
        // (ACCEPT_ALL) because the assertions below look at every message themselves.
        cloud = DemoCloud.connect("test-cloud", ca, broker, shared.resolve("cloud-outbox"), MessageValidator.ACCEPT_ALL,
                WAIT);
        cloud.subscribe("devices/+/relay/state", Qos.AT_LEAST_ONCE, statesAtCloud::add);
    }

    @AfterAll
    static void stopBrokerAndCloud() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void startThePlug() throws Exception {
        // Step 3: a brand-new device, exactly as on its first start in the field.
        device = DeviceSecurity.builder().dataFolder(deviceFolder).productName("Acme Smart Plug").build();
        // The CA checks the device's CSR and issues its client certificate; without it the broker refuses the plug.
        device.installCertificateChain(ca.signCsr(device.certificateSigningRequestDer(), Duration.ofDays(30)));
        // Step 4: start the application under test, pointed at the embedded broker.
        MqttSettings settings = MqttSettings.builder("localhost", broker.port(),
                TrustAnchors.of(List.of(ca.certificate()))).protocol(MqttProtocol.MQTT_3_1_1)
                .reconnectPolicy(DemoCloud.LOOPBACK_RECONNECT).build();
        plug = SmartPlugApp.start(device, settings);
        assertThat(plug.awaitConnected(WAIT)).as("the plug connects over mutual TLS").isTrue();
        // Step 5: subscriptions are set up asynchronously. Send harmless "report" commands until a state comes
        // back: then the plug's and the cloud's subscriptions are both active, and no later message is lost.
        DemoCloud.awaitSubscribed(cloud, plug.commandTopic(), utf8("{\"id\":\"probe\",\"relay\":\"report\"}"),
                () -> !states().isEmpty(), WAIT);
    }

    @AfterEach
    void stopThePlug() throws Exception {
        if (plug != null) {
            plug.close();
        }
        if (device != null) {
            device.close();
        }
    }

    @Test
    void relayCommand_switchesThePlug_andTheCloudReceivesItsState() throws Exception {
        // Act: the owner switches the plug on from the app, through the back end.
        send("{\"id\":\"c-1\",\"relay\":\"on\"}");

        // Assert: the plug switched, and the cloud received the new state for that command.
        JsonNode state = awaitState("c-1");
        assertThat(state.get("relay").asText()).isEqualTo("on");
        assertThat(plug.relayOn()).isTrue();

        send("{\"id\":\"c-2\",\"relay\":\"off\"}");
        assertThat(awaitState("c-2").get("relay").asText()).isEqualTo("off");
        assertThat(plug.relayOn()).isFalse();
        assertThat(plug.handledCommandIds()).endsWith("c-1", "c-2");
        assertThat(plug.refusedCommands()).isZero();
    }

    @Test
    void invalidCommands_areDroppedByDevSec_andNeverReachTheApp() throws Exception {
        // Act: commands that break the plug's schema, each in a different way, then one valid command.
        String[] invalid = {
            "{\"id\":\"bad-1\",\"relay\":\"explode\"}",                   // a value the schema does not allow
            "{\"id\":\"bad-2\",\"relay\":\"on\",\"debug\":true}",          // a field the schema does not name
            "{\"id\":\"bad-3\",\"relay\":\"on\",\"id\":\"bad-4\"}",        // a duplicate key (parser confusion)
            "{\"id\":\"bad 5\",\"relay\":\"on\"}",                        // an id outside its pattern
            "{\"id\":\"bad-6\",\"relay\":\"on\"} {\"id\":\"bad-7\"}",      // trailing data
            "{\"id\":\"bad-8\",\"relay\":[\"on\"]}",                      // the wrong type
            "not json",
            "{\"id\":\"bad-9\",\"relay\":\"on\",\"pad\":\"" + "x".repeat(400) + "\"}", // too large
        };
        for (String payload : invalid) {
            send(payload);
        }
        send("{\"id\":\"good-1\",\"relay\":\"on\"}");

        // Assert: the valid command arrived and DevSec refused every invalid one before the application.
        awaitState("good-1");
        await("DevSec to refuse all " + invalid.length + " invalid commands",
                () -> plug.refusedCommands() >= invalid.length);
        assertThat(plug.refusedCommands()).isEqualTo(invalid.length);
        // Each refusal is on the device's security event stream, with the reason and never the payload.
        List<SecurityEvent> refusals = device.events().recentEvents().stream()
                .filter(e -> e.type() == SecurityEvent.Type.INVALID_INPUT).toList();
        assertThat(refusals).extracting(e -> e.attributes().get("validationReason"))
                .containsExactlyInAnyOrder("NOT_ALLOWED", "UNKNOWN_FIELD", "DUPLICATE_KEY", "NOT_ALLOWED", "TRAILING_DATA",
                        "TOO_DEEP", "MALFORMED", "TOO_LARGE");
        assertThat(refusals).allSatisfy(e -> assertThat(e.toString()).doesNotContain("explode", "bad-"));
        assertThat(plug.handledCommandIds()).allMatch(id -> id.equals("probe") || id.equals("good-1"))
                .contains("good-1");
        assertThat(plug.relayOn()).isTrue();
    }

    @Test
    void deviceWithoutACaIssuedCertificate_isRefusedByTheBroker(@TempDir Path strangerFolder) throws Exception {
        // Arrange: a second device that never had its CSR signed, so it only holds its self-signed certificate.
        try (DeviceSecurity stranger = DeviceSecurity.builder().dataFolder(strangerFolder).productName("Acme Smart Plug")
                .build()) {
            // Act: it tries to connect to the same broker.
            DeviceMqttClient mqtt = stranger.mqtt(MqttSettings.builder("localhost", broker.port(),
                    TrustAnchors.of(List.of(ca.certificate()))).protocol(MqttProtocol.MQTT_3_1_1)
                    .reconnectPolicy(DemoCloud.LOOPBACK_RECONNECT).build());

            // Assert: mutual TLS is really on. The refusal shows up on the device's security event stream.
            await("a refused connection", () -> stranger.events().recentEvents().stream()
                    .anyMatch(e -> e.type() == SecurityEvent.Type.CONNECT_REFUSED
                            || e.type() == SecurityEvent.Type.TLS_PEER_REFUSED));
            assertThat(mqtt.state()).isNotEqualTo(ConnectionState.CONNECTED);
        }
    }

    // ------------------------------------------------------------------ helpers a real test suite would share

    /** The cloud sends a command to this test's plug (QoS 1, acknowledged by the broker). */
    private void send(String command) throws Exception {
        cloud.publish(plug.commandTopic(), utf8(command), Qos.AT_LEAST_ONCE).await(WAIT);
    }

    /** The state messages of this test's plug. */
    private List<InboundMessage> states() {
        return statesAtCloud.stream().filter(m -> m.topic().equals(plug.stateTopic())).toList();
    }

    /** Waits for the plug's state answering the command {@code id}. */
    private JsonNode awaitState(String id) throws Exception {
        await("the state for command " + id, () -> states().stream().anyMatch(m -> id.equals(stateId(m))));
        InboundMessage m = states().stream().filter(s -> id.equals(stateId(s))).findFirst().orElseThrow();
        return JSON.readTree(m.payload());
    }

    private static String stateId(InboundMessage m) {
        try {
            return JSON.readTree(m.payload()).path("id").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Polls {@code condition} every 10 ms until it holds, failing after {@link #WAIT}. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
