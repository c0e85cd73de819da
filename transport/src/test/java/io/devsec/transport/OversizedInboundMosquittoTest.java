package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.MosquittoBroker;
import io.devsec.testkit.Requirements;
import io.devsec.testkit.TestCa;
import io.devsec.transport.testing.ChildJvm;
import io.devsec.transport.testing.Observer;
import io.devsec.transport.testing.Waits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9.6: a peer allowed to publish to the device's command topic sends an oversized message
 * through Mosquitto (configured without a size limit of its own) to a device running with a
 * 64 MiB heap. Paho allocates a whole packet before DevSec's payload check; the packet must be
 * refused from its fixed header instead (MQTT 3.1.1), or not be sent at all because CONNECT told
 * the broker the Maximum Packet Size (MQTT 5). Skips without mosquitto (fails when CI=true).
 */
class OversizedInboundMosquittoTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final int HUGE = 200 * 1024 * 1024;

    @TempDir
    static Path brokerDir;
    static TestCa ca;
    static MosquittoBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create("DevSec Oversize CA");
        broker = new MosquittoBroker(brokerDir, ca, ca.server("localhost"), List.of("message_size_limit 0"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A device in a child JVM with {@code -Xmx64m}, and the lines it prints (see {@link OversizedInboundChild}). */
    final class Device implements AutoCloseable {
        final String id = "big" + Long.toHexString(System.nanoTime());
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Process child;

        Device(MqttProtocol protocol) throws Exception {
            TestCa.Issued device = ca.device(id);
            TestCa.writePem(dir.resolve("device.key"), device.privateKey());
            TestCa.writePem(dir.resolve("device.pem"), device.certificate(), ca.caCertificate());
            TestCa.writePem(dir.resolve("ca.pem"), ca.caCertificate());
            child = ChildJvm.start(OversizedInboundChild.class, List.of(), List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                    dir.toString(), "localhost", Integer.toString(broker.port()), id, protocol.name());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("READ-FAILED " + e);
                }
            }, "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        String cmd() {
            return "devices/" + id + "/cmd/run";
        }

        /** The attacker: any client the ACL lets publish to devices/<id>/# (here a second certificate for the same CN). */
        Observer attacker() throws Exception {
            TestCa.Issued peer = ca.device(id);
            DeviceTlsContext peerTls = DeviceTlsContext.create(TlsIdentity.of(peer.privateKey(), peer.chain()),
                    TrustAnchors.of(List.of(ca.caCertificate())), TlsSettings.MODERN);
            return new Observer("localhost", broker.port(), id + "-peer", peerTls, "devices/" + id + "/none");
        }

        /** Fails at once when the child has died (with -XX:+ExitOnOutOfMemoryError, exit code 3 is an OutOfMemoryError). */
        boolean alive() {
            if (!child.isAlive()) {
                throw new AssertionError("the device JVM died with exit code " + child.exitValue()
                        + (child.exitValue() == 3 ? " (OutOfMemoryError)" : "") + "; it said " + lines);
            }
            return true;
        }

        long connects() {
            return lines.stream().filter("CONNECTED"::equals).count();
        }

        /** Publishes {@code text} again and again until the device prints it (its subscription may still be on its way). */
        void deliver(Observer attacker, String text) {
            Waits.until(WAIT, "the device to receive '" + text + "'; it said " + lines, () -> {
                alive();
                try {
                    attacker.publish(cmd(), text.getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new AssertionError("publish failed", e);
                }
                return Waits.tryUntil(Duration.ofMillis(500), () -> lines.contains("MSG " + text.length() + " " + text));
            });
        }

        @Override
        public void close() throws InterruptedException {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void mqtt311_200MiBInboundPublish_isRefusedFromItsFixedHeader_deviceReconnectsAndGetsTheNextMessage() throws Exception {
        Requirements.slowUnlessCi("uploading 200 MiB through Mosquitto over TLS");
        try (Device d = new Device(MqttProtocol.MQTT_3_1_1); Observer attacker = d.attacker()) {
            d.deliver(attacker, "probe");
            long connectsBefore = d.connects();

            attacker.publish(d.cmd(), new byte[HUGE]);

            Waits.until(WAIT, "the refusal event; device said " + d.lines,
                    () -> d.alive() && d.lines.contains("EVENT INBOUND_MESSAGE_REJECTED InboundPacketTooLargeException"));
            Waits.until(WAIT, "the device to reconnect; it said " + d.lines, () -> d.alive() && d.connects() > connectsBefore);
            d.deliver(attacker, "after");
            assertThat(d.alive()).isTrue();
            assertThat(d.lines).noneMatch(l -> l.startsWith("OOM")).noneMatch(l -> l.startsWith("MSG " + HUGE));
        }
    }

    @Test
    void mqtt5_inboundPublishAboveMaximumPacketSize_isNotSentByTheBroker_connectionStays() throws Exception {
        // 2 MiB is enough to exceed the Maximum Packet Size in CONNECT (256 KiB payload + 128 KiB room);
        // were it sent, the socket layer would refuse it and the device would reconnect.
        try (Device d = new Device(MqttProtocol.MQTT_5); Observer attacker = d.attacker()) {
            d.deliver(attacker, "probe");
            long connectsBefore = d.connects();

            attacker.publish(d.cmd(), new byte[2 * 1024 * 1024]);

            d.deliver(attacker, "after");
            assertThat(d.alive()).isTrue();
            assertThat(d.connects()).isEqualTo(connectsBefore);
            assertThat(d.lines).noneMatch(l -> l.startsWith("OOM")).noneMatch(l -> l.startsWith("EVENT"))
                    .noneMatch(l -> l.startsWith("MSG " + 2 * 1024 * 1024));
        }
    }
}
