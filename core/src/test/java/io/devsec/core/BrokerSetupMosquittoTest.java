package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.MosquittoBroker;
import io.devsec.testkit.Requirements;
import io.devsec.transport.Delivery;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.PemCertificates;
import io.devsec.transport.PublishRefusedException;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Connecting to your broker", run for real: a CA made with the README's openssl commands issues
 * from the device's CSR, Mosquitto runs the README's configuration ({@code use_identity_as_username},
 * {@code pattern readwrite devices/%u/#}), and the device publishes in its namespace. A certificate whose CN is
 * not the device id, which {@link DeviceSecurity#installCertificateChain(List)} refuses, is shown to be refused by
 * that broker on every publish (reason code 135) while the connection stays up.
 */
class BrokerSetupMosquittoTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private MosquittoBroker mosquitto;

    @AfterEach
    void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    void run(Path cwd, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    @Test
    void readmeSetUp_cnIsDeviceIdPublishes_otherCnIsRefusedByBrokerWith135() throws Exception {
        MosquittoBroker.requireExecutable();
        Path openssl = Requirements.requireExecutable("openssl", "/usr/bin/openssl", "/usr/local/bin/openssl");
        Path ca = Files.createDirectories(dir.resolve("ca"));
        String o = openssl.toString();
        // The CA, as in the README.
        run(ca, o, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=Acme Device CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Files.writeString(ca.resolve("device.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        Files.writeString(ca.resolve("server.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(ca, o, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
                "-out", "server.csr", "-subj", "/CN=localhost");
        run(ca, o, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "365",
                "-sha256", "-extfile", "server.ext", "-out", "server.pem");
        // The README's configuration (testkit's MosquittoBroker writes it) on the certificates openssl made; its
        // folder is the test's own (mosquitto, started as root, drops to user mosquitto and must read it).
        mosquitto = MosquittoBroker.fromPemFiles(dir, ca.resolve("ca.pem"), ca.resolve("server.pem"), ca.resolve("server.key"));
        int port = mosquitto.port();
        TrustAnchors anchors = TrustAnchors.fromPem(ca.resolve("ca.pem"));

        // A device whose CA kept the CSR's subject (CN = device id): publishes in devices/<id>/.
        try (DeviceSecurity good = DeviceSecurity.builder().dataFolder(dir.resolve("good")).productName("Acme Thermostat").build()) {
            issue(ca, o, good, "good", null);
            good.installCertificateChain(ca.resolve("good-chain.pem"));
            assertThat(good.status().certificateCnIsDeviceId()).isTrue();
            DeviceMqttClient mqtt = good.mqtt(settings(port, anchors));
            assertThat(mqtt.awaitConnected(WAIT)).isTrue();
            mqtt.publish(mqtt.namespace().topic("telemetry"), "{\"t\":21.5}".getBytes(StandardCharsets.UTF_8),
                    Qos.AT_LEAST_ONCE).await(WAIT);
        }

        // A device whose CA replaced the subject: refused at install; forced in, the broker refuses every publish.
        try (DeviceSecurity other = DeviceSecurity.builder().dataFolder(dir.resolve("other")).productName("Acme Thermostat").build()) {
            issue(ca, o, other, "other", "/CN=thermostat-0042");
            Path chain = ca.resolve("other-chain.pem");
            assertThatThrownBy(() -> other.installCertificateChain(chain)).isInstanceOf(CertificateSubjectException.class);
            other.installCertificateChain(PemCertificates.read(chain), SubjectCheck.ACCEPT_ANY_SUBJECT);
            assertThat(other.status().certificateCnIsDeviceId()).isFalse();
            DeviceMqttClient mqtt = other.mqtt(settings(port, anchors));
            assertThat(mqtt.awaitConnected(WAIT)).as("the device looks healthy: it connects").isTrue();
            Delivery refused = mqtt.publish(mqtt.namespace().topic("telemetry"), "{\"t\":21.5}".getBytes(StandardCharsets.UTF_8),
                    Qos.AT_LEAST_ONCE);
            assertThatThrownBy(() -> refused.await(WAIT)).isInstanceOfSatisfying(PublishRefusedException.class,
                    e -> assertThat(e.reasonCode()).isEqualTo(135));
        }
    }

    private MqttSettings settings(int port, TrustAnchors anchors) {
        return MqttSettings.builder("127.0.0.1", port, anchors).protocol(MqttProtocol.MQTT_5)
                .reconnectPolicy(ReconnectPolicy.DEVELOPMENT).build();
    }

    /** The README's issuing step: the device's CSR to the CA, the leaf and the CA certificate into one PEM file. */
    private void issue(Path ca, String openssl, DeviceSecurity device, String name, String subjectOverride) throws Exception {
        Files.writeString(ca.resolve(name + ".csr"), device.certificateSigningRequestPem());
        run(ca, openssl, "req", "-in", name + ".csr", "-noout", "-verify");
        List<String> cmd = new ArrayList<>(List.of(openssl, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey",
                "ca.key", "-CAcreateserial", "-days", "365", "-sha256", "-extfile", "device.ext", "-out", name + ".pem"));
        if (subjectOverride != null) {
            cmd.add("-subj");
            cmd.add(subjectOverride);
        }
        run(ca, cmd.toArray(new String[0]));
        Files.writeString(ca.resolve(name + "-chain.pem"),
                Files.readString(ca.resolve(name + ".pem")) + Files.readString(ca.resolve("ca.pem")));
    }
}
