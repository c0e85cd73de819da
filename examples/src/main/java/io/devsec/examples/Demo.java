package io.devsec.examples;

import static io.devsec.examples.DemoRun.pad;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.DeviceStatus;
import io.devsec.core.LoginException;
import io.devsec.core.MqttSettings;
import io.devsec.core.PasswordRejectedException;
import io.devsec.core.PersonalTelemetry;
import io.devsec.core.UpdateSettings;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.conformance.Declarations;
import io.devsec.core.conformance.En18031Part1;
import io.devsec.core.conformance.En303645V3;
import io.devsec.core.conformance.En303645V3Provision;
import io.devsec.core.conformance.EnProvision;
import io.devsec.core.conformance.ProvisionStatus;
import io.devsec.core.conformance.Support;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.ConsentRecord;
import io.devsec.core.privacy.ConsentState;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.Qos;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TopicOutsideNamespaceException;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TrustAnchors;
import io.devsec.update.BootStatus;
import io.devsec.update.ImageHashException;
import io.devsec.update.RollbackException;
import io.devsec.update.SlotState;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.security.auth.x500.X500Principal;

/**
 * The end-to-end demo: the life of one smart plug with DevSec, told step by step on standard output.
 *
 * <ol>
 *   <li>At the factory, {@code devsec provision} gives the plug a unique label password (here done in
 *       code, as the command does it).
 *   <li>First start: DevSec creates the encrypted keystore, the identity key pair, the device id, the CSR
 *       and a self-signed certificate, and takes the label password from the provisioning record.
 *   <li>Second start: the same identity is loaded; nothing is regenerated.
 *   <li>A login with a wrong password is refused and counted; the right one succeeds.
 *   <li>A weak new password is refused with the reason; a strong one is accepted.
 *   <li>The status report.
 *   <li>The device CA (made in code) checks the CSR and issues the device certificate.
 *   <li>Mutual TLS to an embedded MQTT broker (Moquette): the device publishes a QoS 1 message and the
 *       "cloud" (a second client) receives it; a topic outside the device namespace is refused.
 *   <li>Certificate renewal: the expiry event fires, a renewed certificate is installed while connected.
 *   <li>Telemetry that carries personal data (energy history) is held on the device until the owner
 *       consents, released on consent, and dropped after the consent is withdrawn.
 *   <li>The manufacturer makes update keys and a signed root; the device trusts that root.
 *   <li>Version 2 is installed, fails the health check and is rolled back by the trial policy.
 *   <li>Version 3 is installed and confirmed; a tampered image and a replayed version 2 are refused.
 *   <li>The running firmware is modified on the device: the integrity check at the next start finds it, the
 *       device is marked compromised and alerts the cloud; a valid signed version 4 clears it.
 *   <li>The owner passes the plug on: personal data is wiped and a receipt says what was removed.
 *   <li>The conformance statement (ETSI TS 103 645 Annex A) of the device as configured, printed at the end.
 * </ol>
 *
 * <p>Usage: {@code java -jar devsec-examples.jar [--data FOLDER]}. Without {@code --data} it runs in a fresh
 * temporary folder and removes it at the end. Exit code 0 when every step behaved as expected.
 */
public final class Demo {

    private static final String PRODUCT = "Acme Smart Plug";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy DEMO_RECONNECT = DemoCloud.LOOPBACK_RECONNECT;

    /** The one purpose for which the plug processes personal data (provision 4.8). */
    static final Purpose ENERGY_PURPOSE = Purpose.builder("energy-history")
            .description("Energy use of the appliance on the plug, per hour (it shows when someone is at home)")
            .processor("Acme Cloud (EU data centre)")
            .reason("To show your energy history and savings tips in the Acme app")
            .build();
    /** Where energy readings go, under the device namespace. */
    static final String ENERGY_TOPIC = "telemetry/energy";

    private final PrintStream out;
    private int step;

    // The manufacturer's side of updates and the device's update settings, shared by the update steps.
    private DemoManufacturer maker;
    private Instant expires;
    private UpdateSettings updateSettings;
    private final AtomicReference<UpdateOffer> server = new AtomicReference<>();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final List<String> updateEvents = new CopyOnWriteArrayList<>();

    private Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the demo and returns the process exit code (tests call this). */
    public static int run(String[] args, PrintStream out) {
        return DemoRun.run(args, out, "devsec-demo-", "usage: java -jar devsec-examples.jar [--data FOLDER]",
                "Demo finished: every step behaved as expected.",
                e -> "DEMO FAILED: " + (e instanceof DemoFailure ? e.getMessage() : e.toString()),
                data -> new Demo(out).tell(data));
    }

    private void tell(Path data) throws Exception {
        Path deviceFolder = data.resolve("plug");
        Path factory = Files.createDirectories(data.resolve("factory"));
        out.println("DevSec demo: one smart plug, from the factory to its owner (data folder " + data + ")");

        // 1. The factory: a unique label password per device, never a shared default (provision 4.1).
        heading("At the factory: a unique label password for serial PLUG-00000042");
        Path recordFile = factory.resolve("PLUG-00000042.json");
        char[] labelPassword = LabelPasswords.generate(new SecureRandom());
        ProvisioningRecord record = ProvisioningRecord.of("PLUG-00000042", labelPassword);
        record.write(recordFile);
        record.destroy();
        out.println("  Label printed: serial PLUG-00000042, password " + new String(labelPassword)
                + " (" + LabelPasswords.ENTROPY_BITS_FLOOR + " bits of entropy, from SecureRandom)");
        out.println("  Provisioning record written for the device: " + recordFile.getFileName());

        // 2. First start.
        heading("First start: the device creates its identity and takes its label password");
        String deviceId;
        String certificate;
        try (DeviceSecurity device = open(deviceFolder, recordFile)) {
            deviceId = device.deviceId();
            certificate = name(device.certificateChain().get(0).getSubjectX500Principal());
            out.println("  Device id:          " + deviceId + " (derived from the identity public key)");
            out.println("  Identity:           EC P-256 key pair, sealed in " + DeviceSecurity.KEYSTORE_FILE
                    + " (AES-256-GCM)");
            out.println("  Certificate:        self-signed " + certificate + " until the CA issues one");
            String csr = device.certificateSigningRequestPem();
            out.println("  CSR for the CA:     " + csr.lines().findFirst().orElse("") + " ... ("
                    + csr.length() + " characters of PEM)");
            out.println("  Label password:     taken from the record; only its Argon2id hash is stored");
            expect(!Files.exists(recordFile), "the provisioning record is deleted once used");
            out.println("  Provisioning record deleted: " + !Files.exists(recordFile));
        }

        // 3. Second start.
        heading("Second start: the same identity is loaded, nothing is regenerated");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            expect(device.deviceId().equals(deviceId), "the device id survives a restart");
            expect(device.takeInitialPassword().isEmpty(), "no new password is generated");
            out.println("  Device id:          " + device.deviceId() + " (same as before: "
                    + device.deviceId().equals(deviceId) + ")");
            out.println("  Serial number:      " + device.serialNumber().orElse("none"));

            // 4. Logins.
            heading("Login: a wrong password, then the label password");
            char[] wrong = "admin".toCharArray();
            try {
                device.login(wrong);
                throw new DemoFailure("a wrong password was accepted");
            } catch (LoginException e) {
                out.println("  'admin' refused:    " + e.getMessage());
            }
            device.login(labelPassword);
            out.println("  Label password:     accepted (compared in constant time through its Argon2id hash)");

            // 5. Password change under NIST SP 800-63B rules.
            heading("Password change: a weak value refused, a strong one accepted");
            for (String weak : new String[] {"password", "xc3511xc3511xc3511", "qwertyuiopasdfghjkl", "plug-" + deviceId}) {
                try {
                    device.changePassword(labelPassword, weak.toCharArray());
                    throw new DemoFailure("a weak password was accepted: " + weak);
                } catch (PasswordRejectedException e) {
                    out.println("  " + pad("'" + shorten(weak) + "'", 24) + " refused: " + e.getMessage());
                }
            }
            char[] strong = "marmalade tugboat quivers under lantern 7".toCharArray();
            device.changePassword(labelPassword, strong);
            out.println("  A 41-character passphrase: accepted");
            device.login(strong);
            out.println("  Login with the new passphrase: accepted");
            Arrays.fill(strong, '\0');
            Arrays.fill(labelPassword, '\0');

            // 6. Status.
            heading("Status report");
            String status = device.status().toText();
            status.lines().forEach(line -> out.println("  " + line));
        }

        field(data, deviceFolder);
    }

    // ------------------------------------------------------------------ in the field: MQTT and updates

    private void field(Path data, Path deviceFolder) throws Exception {
        // 7. The CA issues the device certificate from the CSR.
        heading("The device CA issues a certificate from the device's CSR");
        DemoCa ca = DemoCa.create("Acme Device CA");
        String deviceId;
        try (DeviceSecurity device = open(deviceFolder, null)) {
            deviceId = device.deviceId();
            List<X509Certificate> issued = ca.signCsr(device.certificateSigningRequestDer(), Duration.ofDays(20));
            device.installCertificateChain(issued);
            expect(!device.status().certificateSelfSigned(), "the issued certificate replaces the self-signed one");
            out.println("  CSR checked by the CA (its signature proves the device holds the key)");
            out.println("  Installed:          " + name(issued.get(0).getSubjectX500Principal()) + ", issued by "
                    + name(issued.get(0).getIssuerX500Principal()) + ", valid until " + day(issued.get(0)));
        }

        Path brokerFolder = data.resolve("broker");
        try (DemoBroker broker = DemoBroker.start(brokerFolder, ca); DeviceMqttClient cloud = cloud(ca, broker, data)) {
            // What the back end receives, by kind.
            BlockingQueue<InboundMessage> atCloud = new LinkedBlockingQueue<>();
            BlockingQueue<InboundMessage> energyAtCloud = new LinkedBlockingQueue<>();
            BlockingQueue<InboundMessage> alertsAtCloud = new LinkedBlockingQueue<>();
            cloud.subscribe("devices/+/telemetry", Qos.AT_LEAST_ONCE, atCloud::add);
            cloud.subscribe("devices/+/" + ENERGY_TOPIC, Qos.AT_LEAST_ONCE, energyAtCloud::add);
            cloud.subscribe("devices/+/" + DeviceSecurity.DEFAULT_ALERT_TOPIC, Qos.AT_LEAST_ONCE, alertsAtCloud::add);

            // 8. Mutual TLS and a QoS 1 message to the cloud.
            heading("Mutual TLS to the MQTT broker (embedded Moquette, client certificates required)");
            out.println("  Broker:             127.0.0.1:" + broker.port() + ", TLS only, MQTT 3.1.1");
            String telemetry = "devices/" + deviceId + "/telemetry";
            List<X509Certificate> expiring = new CopyOnWriteArrayList<>();
            TransportEventListener listener = new TransportEventListener() {
                @Override
                public void certificateExpiring(X509Certificate certificate, Instant notAfter) {
                    expiring.add(certificate);
                }
            };
            try (DeviceSecurity device = open(deviceFolder, null)) {
                MqttSettings settings = mqttSettings(broker, ca).renewalWindow(Duration.ofDays(30)).listener(listener)
                        .build();
                DeviceMqttClient mqtt = device.mqtt(settings);
                expect(mqtt.awaitConnected(WAIT), "the device connects over mutual TLS");
                out.println("  Device connected:   TLS (" + TlsSettings.MODERN.protocols() + "), client certificate "
                        + "from the keystore, topics limited to " + mqtt.namespace().prefix());
                mqtt.publish(telemetry, utf8("{\"power_w\": 3.2}"), Qos.AT_LEAST_ONCE).await(WAIT);
                out.println("  Device published:   QoS 1 on " + telemetry + ", acknowledged by the broker");
                InboundMessage got = atCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                expect(got != null, "the cloud receives the device's message");
                out.println("  Cloud received:     " + new String(got.payload(), StandardCharsets.UTF_8) + " on " + got.topic());
                try {
                    mqtt.publish("devices/someone-else/telemetry", utf8("{}"), Qos.AT_LEAST_ONCE);
                    throw new DemoFailure("a topic outside the device namespace was accepted");
                } catch (TopicOutsideNamespaceException e) {
                    out.println("  Refused locally:    " + e.getMessage());
                }

                // 9. Renewal before expiry, without dropping the connection.
                heading("Certificate renewal: an event before expiry, a new certificate while connected");
                Instant deadline = Instant.now().plus(WAIT);
                while (expiring.isEmpty() && Instant.now().isBefore(deadline)) {
                    LockSupport.parkNanos(10_000_000L);
                }
                expect(!expiring.isEmpty(), "the renewal event fires inside the 30-day window");
                out.println("  Renewal event:      certificate expires " + day(expiring.get(0))
                        + ", inside the 30-day window");
                List<X509Certificate> renewed = ca.signCsr(device.certificateSigningRequestDer(), Duration.ofDays(365));
                device.installCertificateChain(renewed);
                expect(mqtt.state() == ConnectionState.CONNECTED, "the connection stays up through the renewal");
                mqtt.publish(telemetry, utf8("{\"power_w\": 3.3}"), Qos.AT_LEAST_ONCE).await(WAIT);
                InboundMessage again = atCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                expect(again != null, "messages flow after the renewal");
                out.println("  Installed renewal:  valid until " + day(renewed.get(0))
                        + "; the live connection switched to it (one new TLS session, no outage)");
                out.println("  Cloud received:     " + new String(again.payload(), StandardCharsets.UTF_8) + " after renewal");

                // 10. Personal data only with consent.
                consent(device, mqtt, telemetry, atCloud, energyAtCloud);
            }

            updates(deviceFolder);
            integrity(deviceFolder, broker, ca, atCloud, alertsAtCloud);
            wipe(deviceFolder, deviceId);
            conformance(deviceFolder, broker, ca);
        }
    }

    /** Step 10: telemetry that carries personal data is held until the owner consents, and stops on withdrawal. */
    private void consent(DeviceSecurity device, DeviceMqttClient mqtt, String telemetry, BlockingQueue<InboundMessage> atCloud,
            BlockingQueue<InboundMessage> energyAtCloud) throws Exception {
        heading("Telemetry with personal data waits for the owner's consent");
        String statement = device.dataUseStatement().orElseThrow().text();
        statement.lines().limit(6).forEach(line -> out.println("  | " + line));
        out.println("  | ...");
        device.personalData().put("schedule", utf8("weekdays: on at 07:00, off at 23:00"));
        out.println("  Owner's schedule:   stored in the personal data store (AES-256-GCM, its own key)");
        PersonalTelemetry energy = device.personalTelemetry(mqtt).orElseThrow();
        ConsentGate.Decision first = energy.offer(ENERGY_PURPOSE.id(), ENERGY_TOPIC, utf8("{\"kwh_today\": 1.42}"));
        expect(first == ConsentGate.Decision.HELD, "personal telemetry is held while the owner has not decided");
        // Ordinary telemetry still flows; once it has arrived, nothing personal can have gone out before it.
        mqtt.publish(telemetry, utf8("{\"power_w\": 3.1}"), Qos.AT_LEAST_ONCE);
        expect(atCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "ordinary telemetry still flows");
        expect(energyAtCloud.isEmpty(), "nothing personal reaches the cloud before consent");
        out.println("  No decision yet:    energy reading " + first + " on the device, sealed; "
                + energy.heldCount(ENERGY_PURPOSE.id()) + " held, nothing sent");

        ConsentRecord granted = device.consents().orElseThrow().grant(ENERGY_PURPOSE.id());
        InboundMessage released = energyAtCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        expect(released != null && new String(released.payload(), StandardCharsets.UTF_8).contains("1.42"),
                "the held reading is sent once consent is granted");
        out.println("  Consent " + granted.state() + ":    the held reading was released; cloud received "
                + new String(released.payload(), StandardCharsets.UTF_8));
        ConsentGate.Decision second = energy.offer(ENERGY_PURPOSE.id(), ENERGY_TOPIC, utf8("{\"kwh_today\": 1.57}"));
        InboundMessage next = energyAtCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        expect(second == ConsentGate.Decision.SEND && next != null, "with consent, readings are sent at once");
        out.println("  With consent:       next reading " + second + "; cloud received "
                + new String(next.payload(), StandardCharsets.UTF_8));

        ConsentRecord withdrawn = device.consents().orElseThrow().withdraw(ENERGY_PURPOSE.id());
        ConsentGate.Decision third = energy.offer(ENERGY_PURPOSE.id(), ENERGY_TOPIC, utf8("{\"kwh_today\": 1.60}"));
        mqtt.publish(telemetry, utf8("{\"power_w\": 0.0}"), Qos.AT_LEAST_ONCE);
        expect(atCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "ordinary telemetry still flows");
        expect(third == ConsentGate.Decision.DROPPED && energyAtCloud.isEmpty(),
                "after withdrawal, readings are dropped on the device");
        out.println("  Consent " + withdrawn.state() + ":  the next reading was " + third
                + " on the device; the cloud received nothing more");
    }

    private void updates(Path deviceFolder) throws Exception {
        // 11. The manufacturer's keys and root.
        heading("The manufacturer creates update signing keys and a root of trust");
        maker = new DemoManufacturer();
        expires = Instant.now().plus(Duration.ofDays(365));
        byte[] root = maker.rootEnvelope(expires);
        out.println("  Root key:           Ed25519 " + shortId(maker.rootKeyId()) + ", update key: ECDSA P-256 "
                + shortId(maker.updateKeyId()));
        out.println("  root.json:          version 1, threshold 1, " + root.length + " bytes, shipped with the device");

        UpdateListener listener = new UpdateListener() {
            @Override
            public void onInstalled(UpdateMetadata update) {
                updateEvents.add("installed " + update.version());
            }

            @Override
            public void onConfirmed(long version) {
                updateEvents.add("confirmed " + version);
            }

            @Override
            public void onRolledBack(BootStatus status, String reason) {
                updateEvents.add("rolled back to " + status.confirmedVersion() + " (" + reason + ")");
            }

            @Override
            public void onRefused(UpdateException reason) {
                updateEvents.add("refused " + reason.getClass().getSimpleName());
            }
        };
        updateSettings = UpdateSettings.builder(root, DemoManufacturer.HARDWARE_ID)
                .source(installed -> Optional.ofNullable(server.getAndSet(null)))
                .healthCheck(() -> {
                    if (!healthy.get()) {
                        throw new IllegalStateException("the plug's relay self-test failed");
                    }
                })
                .trialPolicy(TrialPolicy.of(1, Duration.ofMinutes(15)))
                .schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1)))
                .listener(listener).build();
        UpdateSettings settings = updateSettings;

        // 12. Version 2: installed, unhealthy, rolled back at once.
        heading("Update to version 2: installed in the inactive slot, health check fails, immediate rollback");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            UpdateAgent agent = device.startUpdates(settings);
            out.println("  Running:            version " + agent.installedVersion() + " in slot "
                    + agent.status().runningSlot() + "; trusted root stored in the keystore: "
                    + device.trustedRootStore().load().isPresent());
            server.set(offer(maker, 2, DemoManufacturer.image(2), DemoManufacturer.image(2), expires));
            expect(agent.checkNow().isPresent(), "version 2 is installed");
            out.println("  Installed:          version 2 verified (signature, hardware id, length, SHA-256 while "
                    + "streaming) into slot " + agent.status().trialSlot().map(Enum::name).orElse("?")
                    + ", on trial from the next start");
        }
        healthy.set(false);
        out.println("  Restart ...");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            UpdateAgent agent = device.startUpdates(settings);
            expect(agent.installedVersion() == 2 && !agent.status().trialSlot().isPresent()
                    && agent.status().state(agent.status().runningSlot()) == SlotState.FAILED,
                    "version 2 ran on trial, failed its health check and was rolled back at once");
            out.println("  Rolled back:        version 2 failed its health check: rolled back at once, reason in "
                    + "the event: " + updateEvents.get(updateEvents.size() - 1));
        }
        healthy.set(true);
        out.println("  Restart ...");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            UpdateAgent agent = device.startUpdates(settings);
            expect(agent.installedVersion() == 1 && !agent.status().rolledBack(), "version 1 runs again");
            out.println("  Running:            version " + agent.installedVersion() + " again (slot "
                    + agent.status().runningSlot() + ")");
        }

        // 13. Version 3: installed and confirmed.
        heading("Update to version 3: installed, health check passes, confirmed");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            UpdateAgent agent = device.startUpdates(settings);
            server.set(offer(maker, 3, DemoManufacturer.image(3), DemoManufacturer.image(3), expires));
            expect(agent.checkNow().isPresent(), "version 3 is installed");
            out.println("  Installed:          version 3 into slot " + agent.status().trialSlot().map(Enum::name).orElse("?"));
        }
        out.println("  Restart ...");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            UpdateAgent agent = device.startUpdates(settings);
            expect(agent.installedVersion() == 3 && agent.status().trialSlot().isEmpty(), "version 3 is confirmed");
            expect(device.rollbackCounter().current() == 3, "the rollback floor rises to 3");
            expect(device.status().softwareIntegrity() == DeviceStatus.SoftwareIntegrity.VERIFIED,
                    "the running version matches its signed metadata");
            out.println("  Confirmed:          version 3 runs; anti-rollback floor in the keystore: "
                    + device.rollbackCounter().current() + "; integrity at start: "
                    + device.status().softwareIntegrity());

            // 14. Attacks refused.
            heading("Attacks refused: a tampered image and a replayed old version");
            byte[] tampered = DemoManufacturer.image(4);
            tampered[1000] ^= 0x01;
            server.set(offer(maker, 4, DemoManufacturer.image(4), tampered, expires));
            try {
                agent.checkNow();
                throw new DemoFailure("a tampered image was installed");
            } catch (ImageHashException e) {
                out.println("  Tampered image:     refused (" + e.getClass().getSimpleName() + ": SHA-256 differs from "
                        + "the signed one); still running version " + agent.installedVersion());
            }
            server.set(offer(maker, 2, DemoManufacturer.image(2), DemoManufacturer.image(2), expires));
            try {
                agent.checkNow();
                throw new DemoFailure("a replayed old version was installed");
            } catch (RollbackException e) {
                out.println("  Replayed version 2: refused (" + e.getClass().getSimpleName() + ": installed "
                        + e.installed() + ", floor " + e.floor() + ", offered " + e.offered() + ")");
            }
            expect(agent.installedVersion() == 3, "version 3 still runs");
        }
        out.println("  Update events:      " + String.join(", ", updateEvents));
    }

    /** Step 15: the running firmware is modified on the device; the check at start catches it. */
    private void integrity(Path deviceFolder, DemoBroker broker, DemoCa ca, BlockingQueue<InboundMessage> atCloud,
            BlockingQueue<InboundMessage> alertsAtCloud) throws Exception {
        heading("Integrity failure: the installed firmware is modified; the device alerts and is quarantined");
        String slot;
        try (DeviceSecurity device = open(deviceFolder, null)) {
            slot = device.startUpdates(updateSettings).status().runningSlot().name().toLowerCase(Locale.ROOT);
        }
        Path image = deviceFolder.resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER).resolve("slot-" + slot).resolve("image");
        byte[] bytes = Files.readAllBytes(image);
        bytes[4321] ^= 0x01;
        Files.write(image, bytes);
        out.println("  Tampering:          one bit flipped in " + deviceFolder.relativize(image) + " (version 3, running)");
        out.println("  Restart ...");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            DeviceMqttClient mqtt = device.mqtt(mqttSettings(broker, ca).build());
            expect(mqtt.awaitConnected(WAIT), "the device connects");
            String telemetry = mqtt.namespace().topic("telemetry");
            UpdateAgent agent = device.startUpdates(updateSettings);
            DeviceStatus status = device.status();
            expect(status.compromised() && status.softwareIntegrity() == DeviceStatus.SoftwareIntegrity.COMPROMISED,
                    "the integrity check at start finds the modified image");
            SecurityEvent failure = device.events().recentEvents().stream()
                    .filter(e -> e.type() == SecurityEvent.Type.INTEGRITY_FAILURE).reduce((a, b) -> b)
                    .orElseThrow(() -> new DemoFailure("expected: an INTEGRITY_FAILURE security event"));
            out.println("  Integrity check:    " + status.softwareIntegrity() + ": version "
                    + failure.attributes().get("version") + " in slot " + failure.attributes().get("slot")
                    + " does not match its signed metadata (" + failure.attributes().get("reason") + ")");
            InboundMessage alert = alertsAtCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            expect(alert != null && new String(alert.payload(), StandardCharsets.UTF_8).contains("INTEGRITY_FAILURE"),
                    "the cloud receives the integrity alert");
            out.println("  Cloud alerted:      " + alert.topic() + " " + shorten(new String(alert.payload(),
                    StandardCharsets.UTF_8), 90));
            out.println("  Status finding:     " + status.findings().get(0).text());
            // Quarantine: the client reaches the alert topic only, so the device connects no wider than needed.
            String alertTopic = mqtt.namespace().topic(DeviceSecurity.DEFAULT_ALERT_TOPIC);
            expect(mqtt.quarantined().equals(Optional.of(alertTopic)), "the MQTT client is quarantined");
            try {
                mqtt.publish(telemetry, utf8("{\"power_w\": 3.0}"), Qos.AT_LEAST_ONCE);
                throw new DemoFailure("a quarantined device published telemetry");
            } catch (TopicOutsideNamespaceException e) {
                out.println("  Quarantine:         telemetry refused on the device; only " + alertTopic
                        + " is reachable");
            }

            // Recovery: a valid signed update replaces the modified software.
            server.set(offer(maker, 4, DemoManufacturer.image(4), DemoManufacturer.image(4), expires));
            expect(agent.checkNow().isPresent(), "version 4 is installed");
        }
        out.println("  Restart ...");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            DeviceMqttClient mqtt = device.mqtt(mqttSettings(broker, ca).build());
            expect(mqtt.quarantined().isPresent(), "the mark survives the restart: the new client starts quarantined");
            UpdateAgent agent = device.startUpdates(updateSettings);
            expect(agent.installedVersion() == 4 && agent.status().trialSlot().isEmpty(), "version 4 is confirmed");
            expect(!device.status().compromised(), "a valid, confirmed update clears the compromised mark");
            expect(mqtt.quarantined().isEmpty(), "the quarantine is lifted");
            expect(mqtt.awaitConnected(WAIT), "the device connects");
            mqtt.publish(mqtt.namespace().topic("telemetry"), utf8("{\"power_w\": 3.4}"), Qos.AT_LEAST_ONCE);
            InboundMessage back = atCloud.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            expect(back != null, "telemetry flows again after the repair");
            out.println("  Recovered:          signed version 4 installed and confirmed; integrity "
                    + device.status().softwareIntegrity() + ", compromised: " + device.status().compromised()
                    + "; quarantine lifted, cloud received " + new String(back.payload(), StandardCharsets.UTF_8));
        }
    }

    /** Step 16: the owner passes the plug on; personal data goes, identity and firmware stay. */
    private void wipe(Path deviceFolder, String deviceId) throws Exception {
        heading("The owner passes the plug on: personal data wiped, with a receipt");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            expect(device.personalData().names().contains("schedule"), "the owner's schedule is stored");
            WipeReceipt receipt = device.wipePersonalData();
            receipt.text().lines().forEach(line -> out.println("  | " + line));
            expect(receipt.failures().isEmpty(), "every wipe step succeeded");
            expect(device.personalData().names().isEmpty(), "the personal data store is empty");
            expect(device.consents().orElseThrow().state(ENERGY_PURPOSE.id()) == ConsentState.NOT_GIVEN, "consent is reset");
            expect(device.deviceId().equals(deviceId), "the identity is kept");
            out.println("  After the wipe:     personal data items " + device.personalData().names().size()
                    + ", consent " + device.consents().orElseThrow().state(ENERGY_PURPOSE.id()) + ", device id unchanged: "
                    + device.deviceId().equals(deviceId) + ", anti-rollback floor " + device.rollbackCounter().current());
        }
    }

    /** The demo device's manufacturer declarations, shipped with the examples. */
    static final String DECLARATIONS = "/io/devsec/examples/acme-smart-plug.declarations.json";

    /**
     * Step 17: the conformance statement, from the device's evidence and the manufacturer's declarations:
     * EN 303 645 V2.1.1 Table B.1, then (the closing summary) TS 103 645 V1.1.1 by clause, the EN 303 645 V3.1.3
     * statement summary, the UK PSTI facts and the evidence summary.
     */
    private void conformance(Path deviceFolder, DemoBroker broker, DemoCa ca) throws Exception {
        heading("Conformance statement (TS 103 645 V1.1.1, EN 303 645 V2.1.1 and V3.1.3, UK PSTI), from evidence and"
                + " declarations");
        Declarations declarations;
        try (java.io.InputStream in = Demo.class.getResourceAsStream(DECLARATIONS)) {
            declarations = Declarations.parse(in);
        }
        try (DeviceSecurity device = open(deviceFolder, null)) {
            DeviceMqttClient mqtt = device.mqtt(mqttSettings(broker, ca).build());
            expect(mqtt.awaitConnected(WAIT), "the device connects");
            device.publishSecurityTelemetry(mqtt);
            device.startUpdates(updateSettings);
            device.verifyIntegrity();
            ConformanceStatement statement = ConformanceStatement.generate(device.conformanceFacts(), declarations,
                    java.time.Clock.systemUTC());
            expect(statement.rows().size() == EnProvision.all().size(), "a row for every EN 303 645 provision");
            for (ConformanceStatement.Row row : statement.rows()) {
                expect(!row.detail().isEmpty(), "every row gives its evidence or its reason");
                expect(row.support() != Support.NOT_APPLICABLE || row.provision().conditional(),
                        "N/A only on conditional provisions");
            }
            out.println("  Declared by " + declarations.declarant() + " for " + declarations.manufacturerName());
            out.println();
            statement.en303645Markdown().lines().forEach(line -> out.println("  " + line));
            for (ConformanceStatement.Row row : statement.rows()) {
                if (row.support() == Support.NOT_ASSESSED) {
                    out.println("  NOT ASSESSED " + row.reference() + ": " + shorten(row.detail(), 200));
                }
            }
            out.println("  Demo notes: 5.6-1/5.6-2 see the demo's own embedded broker listening in this JVM; 5.4-1 is N"
                    + " because the demo keeps its master key file beside the keystore (use a TPM/PKCS#11 token or a"
                    + " passphrase); 5.6-7 and 5.6-5 report the sandbox's user and file modes as they are.");
            closingSummary(statement);
        }
    }

    /**
     * The end of the demo: TS 103 645 V1.1.1 by clause (the standard DevSec was built for), the EN 303 645 V3.1.3
     * statement summary, the UK PSTI facts and the evidence summary.
     */
    private void closingSummary(ConformanceStatement statement) {
        En303645V3 v3 = statement.en303645v3();
        expect(v3.rows().size() == En303645V3Provision.all().size(), "a row for every EN 303 645 V3 provision");
        for (En303645V3.Row row : v3.rows()) {
            expect(row.support() != Support.NOT_APPLICABLE || row.provision().conditional(),
                    "V3: N/A only on conditional provisions");
        }
        out.println();
        statement.ts103645Markdown().lines().forEach(line -> out.println("  " + line));
        out.println();
        out.println("  ## " + En303645V3.STANDARD + ", statement summary");
        out.println("  Statuses as stated in " + En303645V3Provision.SOURCE + ".");
        StringBuilder line = new StringBuilder("  ");
        for (En303645V3.Row row : v3.rows()) {
            String cell = row.reference() + " " + row.support().code() + (row.provision().unverified().isPresent()
                    ? " (status unverified)" : "");
            if (line.length() + cell.length() > 110) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder("  ");
            }
            line.append(cell).append(";  ");
        }
        out.println(line.toString().stripTrailing());
        v3.summary().forEach(s -> out.println("  " + s));
        for (En303645V3.Row row : v3.rows()) {
            if (row.support() == Support.NOT_ASSESSED || (row.support() == Support.NO
                    && row.status() == ProvisionStatus.MANDATORY)) {
                out.println("  V3 " + row.support().code() + " " + row.reference() + ": " + shorten(row.detail(), 200));
            }
        }
        out.println();
        statement.psti().toMarkdown().lines().forEach(l -> out.println("  " + l));
        out.println();
        out.println("  ## Evidence summary (what each EN 303 645 V2.1.1 row rests on)");
        Map<String, Integer> byClass = new java.util.TreeMap<>();
        for (ConformanceStatement.Row row : statement.rows()) {
            byClass.merge(row.evidenceSummary(), 1, Integer::sum);
        }
        byClass.forEach((k, n) -> out.println("  " + k + ": " + n + " row(s)"));
        out.println("  " + En18031Part1.STANDARD + ": " + statement.en18031().summary());
        out.println("  Re-run the functional test cases (TS 103 701 X-2) against this data folder with"
                + " 'devsec evidence --data <folder>'; 'devsec report --standard en303645-v3' prints the V3 table.");
    }

    private static UpdateOffer offer(DemoManufacturer maker, long version, byte[] signedImage, byte[] deliveredImage,
            Instant expires) throws GeneralSecurityException {
        byte[] metadata = maker.updateEnvelope(version, signedImage, expires, "demo update " + version);
        return UpdateOffer.of(List.of(), metadata, () -> new ByteArrayInputStream(deliveredImage));
    }

    /** The back end: a service with its own CA-issued certificate, allowed to read every device's topics. */
    private static DeviceMqttClient cloud(DemoCa ca, DemoBroker broker, Path data) throws Exception {
        return DemoCloud.connect("acme-cloud", ca, broker, data.resolve("cloud-outbox"), MessageValidator.ACCEPT_ALL, WAIT);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String name(X500Principal p) {
        return p.getName(X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER"));
    }

    private static String day(X509Certificate c) {
        return c.getNotAfter().toInstant().toString().substring(0, 10);
    }

    private static String shortId(String keyId) {
        return keyId.length() <= 16 ? keyId : keyId.substring(0, 16) + "...";
    }

    private static DeviceSecurity open(Path deviceFolder, Path recordFile) throws IOException, GeneralSecurityException {
        DeviceSecurity.Builder builder = DeviceSecurity.builder().dataFolder(deviceFolder).productName(PRODUCT)
                .purposes(ENERGY_PURPOSE)
                .disclosurePolicy(DisclosurePolicy.builder().contact("mailto:security@acme.example")
                        .policy("https://acme.example/security/disclosure").preferredLanguage("en")
                        .expires(Instant.now().plus(Duration.ofDays(180))).build());
        if (recordFile != null) {
            builder.provisioningRecord(recordFile);
        }
        return builder.build();
    }

    private void heading(String title) {
        out.println();
        out.println(++step + ". " + title);
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new DemoFailure("expected: " + what);
        }
    }

    /** The device's MQTT settings for the demo broker: trust its CA, MQTT 3.1.1 (Moquette), quick reconnects. */
    private static MqttSettings.Builder mqttSettings(DemoBroker broker, DemoCa ca) {
        return MqttSettings.builder("localhost", broker.port(), TrustAnchors.of(List.of(ca.certificate())))
                .protocol(MqttProtocol.MQTT_3_1_1).reconnectPolicy(DEMO_RECONNECT);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String shorten(String s) {
        return s.length() <= 20 ? s : s.substring(0, 17) + "...";
    }

    /** A step of the demo did not behave as DevSec promises. */
    private static final class DemoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }
}
