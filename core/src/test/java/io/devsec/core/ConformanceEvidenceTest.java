package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.conformance.Declarations;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceClass;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.conformance.Support;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.privacy.Purpose;
import io.devsec.storage.Argon2Parameters;
import io.devsec.storage.Keystore;
import io.devsec.storage.MasterKeySource;
import io.devsec.testkit.ManualClock;
import io.devsec.testkit.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each mechanism the collector reports is read from the device's real state: breaking it (or turning it off)
 * changes its evidence and its rows. None of these facts is a constant.
 */
class ConformanceEvidenceTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(T0);

    static final Purpose USAGE = Purpose.builder("usage").description("how often the heating runs")
            .processor("Example Cloud").reason("energy report").build();

    static final String DECLARATIONS = "{\"schemaVersion\":1,\"manufacturer\":{\"name\":\"Example Devices Ltd\","
            + "\"address\":\"1 Example Street\"},\"product\":{\"name\":\"Thermo\",\"model\":\"T-1\"},"
            + "\"declaredBy\":{\"name\":\"Jane Doe\",\"role\":\"PSIRT lead\",\"date\":\"2026-11-30\"},"
            + "\"conditions\":{\"userAuthentication\":true,\"constrainedDevice\":false},"
            + "\"vulnerabilityHandling\":{\"acknowledgementDays\":5,\"statusUpdateDays\":30},"
            + "\"supportPeriod\":{\"endDate\":\"2031-12-31\",\"endOfLifePolicyUrl\":\"https://example.com/eol\"},"
            + "\"provisions\":{\"5.1-1\":{\"met\":true,\"detail\":\"no other passwords\"},"
            + "\"5.4-3\":{\"met\":true,\"detail\":\"code reviewed for embedded secrets\"}}}";

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Thermo").clock(clock)
                .loginThrottle(LoginThrottle.builder().freeFailures(0).initialDelay(Duration.ofSeconds(1))
                        .maxDelay(Duration.ofSeconds(4)).maxFailures(3).build());
    }

    static Support row(DeviceSecurity device, String ref) throws Exception {
        return device.conformanceStatement().row(ref).orElseThrow().support();
    }

    /** The identity part over a closed device's keystore, for parts under test that need a device id. */
    DeviceIdentity identityOf(Keystore ks) throws Exception {
        IdentityPart identity = new IdentityPart(ks, clock, new SecureRandom());
        identity.load();
        return identity;
    }

    static Evidence evidence(DeviceSecurity device, Mechanism m) throws Exception {
        return device.conformanceFacts().evidence(m);
    }

    @Test
    void passwordHashReplacedByPlaintext_turns5dot1dash3ToNo() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(row(device, "5.1-3")).isEqualTo(Support.YES);
            assertThat(evidence(device, Mechanism.PASSWORD_HASHING).evidenceClass()).isEqualTo(EvidenceClass.OBSERVED);
        }
        DeviceKeystore.edit(dir.resolve("device"), ed -> ed.putSecret(PasswordPart.PASSWORD,
                "hunter2hunter2".getBytes(StandardCharsets.US_ASCII)));
        try (DeviceSecurity device = builder().build()) {
            assertThat(row(device, "5.1-3")).isEqualTo(Support.NO);
        }
    }

    @Test
    void passwordOriginMissing_unique_passwordNoLongerObserved() throws Exception {
        Path file = Files.writeString(dir.resolve("declarations.json"), DECLARATIONS);
        try (DeviceSecurity device = builder().declarationsFile(file).build()) {
            assertThat(row(device, "5.1-1")).isEqualTo(Support.YES);
        }
        DeviceKeystore.edit(dir.resolve("device"), e -> e.delete(PasswordPart.PASSWORD_ORIGIN));
        try (DeviceSecurity device = builder().declarationsFile(file).build()) {
            assertThat(evidence(device, Mechanism.PASSWORD_UNIQUE).holds()).isFalse();
            assertThat(row(device, "5.1-1")).isNotEqualTo(Support.YES);
        }
    }

    @Test
    void throttleStateEntryGone_throttlePersistenceNoLongerObserved() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThatThrownBy(() -> device.login("wrong password here".toCharArray()))
                    .isInstanceOf(LoginException.class);
            Evidence e = evidence(device, Mechanism.LOGIN_THROTTLE);
            assertThat(e.evidenceClass()).isEqualTo(EvidenceClass.OBSERVED);
            assertThat(e.detail()).contains("persisted").contains("locked after 3");
        }
        // Without its login state the device no longer starts, so the password part alone reports.
        try (Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            ks.batch(x -> x.delete(PasswordPart.LOGIN_STATE));
            PasswordPart part = new PasswordPart(ks, PasswordPolicy.DEFAULT, LoginThrottle.builder().freeFailures(0)
                    .initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(4)).maxFailures(3).build(),
                    System::nanoTime, PasswordPart.Defaults.INSTANCE, new SecureRandom(), (t, a) -> { },
                    identityOf(ks), "Thermo");
            ConformanceFacts.Builder facts = ConformanceFacts.builder("Thermo", "ds-test");
            part.contributeFacts(facts);
            Evidence gone = facts.build().evidence(Mechanism.LOGIN_THROTTLE);
            assertThat(gone.evidenceClass()).isEqualTo(EvidenceClass.CONFIGURED);
            assertThat(gone.detail()).contains("not observed");
        }
    }

    @Test
    void factoryResetAndAtomicWrites_notAssessed_neverClaimed() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(evidence(device, Mechanism.FACTORY_RESET_PASSWORD).evidenceClass())
                    .isEqualTo(EvidenceClass.NOT_ASSESSED);
            assertThat(evidence(device, Mechanism.ATOMIC_PERSISTENCE).evidenceClass())
                    .isEqualTo(EvidenceClass.NOT_ASSESSED);
            assertThat(row(device, "5.9-1")).isEqualTo(Support.NOT_ASSESSED);
        }
    }

    @Test
    void identityKeyDeleted_turns5dot4dash3ToNo() throws Exception {
        Path file = Files.writeString(dir.resolve("declarations.json"), DECLARATIONS);
        try (DeviceSecurity device = builder().declarationsFile(file).build()) {
            assertThat(row(device, "5.4-3")).isEqualTo(Support.YES);
        }
        // Without its key the device would start as a new one, so the identity part alone reports.
        try (Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            IdentityPart part = new IdentityPart(ks, clock, new SecureRandom());
            part.load();
            ks.batch(e -> e.delete(IdentityPart.KEY));
            ConformanceFacts.Builder facts = ConformanceFacts.builder("Thermo", part.deviceId());
            part.contributeFacts(facts);
            assertThat(facts.build().evidence(Mechanism.IDENTITY_KEY).holds()).isFalse();
            assertThat(ConformanceStatement.generate(facts.build(), Declarations.parse(file), clock).row("5.4-3")
                    .orElseThrow().support()).isEqualTo(Support.NO);
        }
    }

    @Test
    void masterKeyFileBesideKeystore_is5dot4dash1No_passphraseIsNot() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(evidence(device, Mechanism.MASTER_KEY_SEPARATION).holds()).isFalse();
            assertThat(row(device, "5.4-1")).isEqualTo(Support.NO);
            assertThat(device.conformanceStatement().row("5.4-1").orElseThrow().detail())
                    .contains("beside the keystore");
        }
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("other"))
                .masterKeySource(MasterKeySource.passphrase("a long test passphrase".toCharArray(),
                        Argon2Parameters.of(Argon2Parameters.MIN_MEMORY_KIB, 1, 1)))
                .rollbackProtection(new InMemoryRollbackCounter()).build()) {
            assertThat(evidence(device, Mechanism.MASTER_KEY_SEPARATION).holds()).isTrue();
            assertThat(row(device, "5.4-1")).isEqualTo(Support.YES);
        }
    }

    @Test
    void noRollbackCounter_turns5dot4dash1ToNo_evenWithThePassphrase() throws Exception {
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("other"))
                .masterKeySource(MasterKeySource.passphrase("a long test passphrase".toCharArray(),
                        Argon2Parameters.of(Argon2Parameters.MIN_MEMORY_KIB, 1, 1))).build()) {
            assertThat(evidence(device, Mechanism.KEYSTORE_ROLLBACK_DETECTION).holds()).isFalse();
            assertThat(row(device, "5.4-1")).isEqualTo(Support.NO);
            assertThat(device.conformanceStatement().row("5.4-1").orElseThrow().detail())
                    .contains("restored older copy of the keystore file is not detected");
        }
    }

    @Test
    void keystoreReadableByOthers_turns5dot4dash1ToNo() throws Exception {
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("other"))
                .masterKeySource(MasterKeySource.passphrase("a long test passphrase".toCharArray(),
                        Argon2Parameters.of(Argon2Parameters.MIN_MEMORY_KIB, 1, 1)))
                .rollbackProtection(new InMemoryRollbackCounter()).build()) {
            assertThat(row(device, "5.4-1")).isEqualTo(Support.YES);
            Files.setPosixFilePermissions(dir.resolve("other").resolve(DeviceSecurity.KEYSTORE_FILE),
                    PosixFilePermissions.fromString("rw-r--r--"));
            assertThat(evidence(device, Mechanism.KEYSTORE_PERMISSIONS).holds()).isFalse();
            assertThat(row(device, "5.4-1")).isEqualTo(Support.NO);
        }
    }

    @Test
    void noMqttClient_transportAndQuarantineNotAssessed_neverNo() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            for (Mechanism m : new Mechanism[] {Mechanism.TLS_CHANNEL, Mechanism.MUTUAL_TLS, Mechanism.OUTBOX,
                Mechanism.INTEGRITY_QUARANTINE, Mechanism.INTEGRITY_ALERT, Mechanism.INTEGRITY_CHECK}) {
                assertThat(evidence(device, m).evidenceClass()).as(m.name()).isEqualTo(EvidenceClass.NOT_ASSESSED);
            }
            assertThat(row(device, "5.5-1")).isEqualTo(Support.NOT_ASSESSED);
            assertThat(row(device, "5.7-2")).isEqualTo(Support.NOT_ASSESSED);
        }
    }

    /** An MQTT client to a port nothing listens on: its settings are evidence, no broker is needed. */
    static io.devsec.core.MqttSettings.Builder mqtt(TestCa ca) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return io.devsec.core.MqttSettings.builder("localhost", port,
                io.devsec.transport.TrustAnchors.of(java.util.List.of(ca.caCertificate())));
    }

    @Test
    void mqttClient_modernTls_isConfigured_legacyTlsTurnsTransportRowsToNo() throws Exception {
        TestCa ca = TestCa.create("Test CA", T0);
        try (DeviceSecurity device = builder().build()) {
            device.mqtt(mqtt(ca).build());
            assertThat(evidence(device, Mechanism.TLS_CHANNEL).evidenceClass()).isEqualTo(EvidenceClass.CONFIGURED);
            assertThat(evidence(device, Mechanism.TLS_CHANNEL).holds()).isTrue();
            assertThat(evidence(device, Mechanism.MUTUAL_TLS).holds()).isTrue();
            assertThat(evidence(device, Mechanism.OUTBOX).holds()).isTrue();
        }
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("legacy")).build()) {
            device.mqtt(mqtt(ca).tlsSettings(io.devsec.transport.TlsSettings.MODERN.toBuilder()
                    .insecureAllowLegacyProtocolsAndSuites().build()).build());
            assertThat(evidence(device, Mechanism.TLS_CHANNEL).holds()).isFalse();
            assertThat(row(device, "5.5-1")).isEqualTo(Support.NO);
            assertThat(row(device, "5.8-2")).isEqualTo(Support.NO);
            assertThat(device.conformanceFacts().insecureOptions()).contains("TlsSettings.insecureLegacy");
        }
    }

    @Test
    void reconnectWithoutJitter_turns5dot9dash3ToNo() throws Exception {
        TestCa ca = TestCa.create("Test CA", T0);
        try (DeviceSecurity device = builder().build()) {
            device.mqtt(mqtt(ca).build());
            assertThat(row(device, "5.9-3")).isEqualTo(Support.YES);
        }
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("nojitter")).build()) {
            device.mqtt(mqtt(ca).reconnectPolicy(io.devsec.transport.ReconnectPolicy.builder()
                    .firstConnectJitter(Duration.ZERO).build()).build());
            assertThat(evidence(device, Mechanism.RECONNECT_JITTER).holds()).isFalse();
            assertThat(row(device, "5.9-3")).isEqualTo(Support.NO);
        }
    }

    @Test
    void personalDataLeftWithoutItsKey_turnsWipeRowToNo() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(evidence(device, Mechanism.PERSONAL_DATA_WIPE).holds()).isTrue();
            device.personalData().put("history", "21.5C".getBytes(StandardCharsets.UTF_8));
            assertThat(evidence(device, Mechanism.PERSONAL_DATA_WIPE).holds()).isTrue();
        }
        // A restart deletes files left without their key (an interrupted wipe), so the privacy part alone reports.
        try (Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            PrivacyPart part = new PrivacyPart(ks, List.of(ConnectivityPart.OUTBOX_KEY), List.of(),
                    SecurityEvents.builder().clock(clock).build(), identityOf(ks), "Thermo", clock, new SecureRandom(),
                    dir.resolve("device"));
            part.start();
            ks.batch(e -> e.delete(PersonalDataStore.KEY_ENTRY));
            ConformanceFacts.Builder facts = ConformanceFacts.builder("Thermo", "ds-test");
            part.contributeFacts(facts, facts);
            assertThat(facts.build().evidence(Mechanism.PERSONAL_DATA_WIPE).holds()).isFalse();
            assertThat(ConformanceStatement.generate(facts.build(), clock).row("5.11-1").orElseThrow().support())
                    .isEqualTo(Support.NO);
        }
    }

    @Test
    void securityEventsWithoutExporterAndAnomalyDetectionOff_areConfiguredOff() throws Exception {
        try (DeviceSecurity device = builder()
                .securityEvents(SecurityEvents.builder().withoutAnomalyDetection().build()).build()) {
            assertThat(evidence(device, Mechanism.SECURITY_EVENTS).holds()).isFalse();
            assertThat(evidence(device, Mechanism.ANOMALY_DETECTION).holds()).isFalse();
            assertThat(evidence(device, Mechanism.ANOMALY_DETECTION).evidenceClass())
                    .isEqualTo(EvidenceClass.CONFIGURED);
        }
        try (DeviceSecurity device = builder().dataFolder(dir.resolve("other")).build()) {
            assertThat(evidence(device, Mechanism.ANOMALY_DETECTION).holds()).isTrue();
        }
    }

    @Test
    void purposes_turnDataUseAndConsentFromNotAssessedToConfigured_gateOnlyWhenUsed() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(evidence(device, Mechanism.DATA_USE_STATEMENT).evidenceClass())
                    .isEqualTo(EvidenceClass.NOT_ASSESSED);
            assertThat(row(device, "6-1")).isEqualTo(Support.NOT_ASSESSED);
        }
        try (DeviceSecurity device = builder().purposes(USAGE).build()) {
            assertThat(evidence(device, Mechanism.DATA_USE_STATEMENT).evidenceClass())
                    .isEqualTo(EvidenceClass.CONFIGURED);
            assertThat(evidence(device, Mechanism.CONSENT_REGISTRY).holds()).isTrue();
            assertThat(evidence(device, Mechanism.CONSENT_GATED_TELEMETRY).evidenceClass())
                    .isEqualTo(EvidenceClass.NOT_ASSESSED);
        }
    }

    @Test
    void declarationsFile_reachesTheStatement_andExpiredDisclosurePolicyIsNo() throws Exception {
        Path file = Files.writeString(dir.resolve("declarations.json"), DECLARATIONS);
        DisclosurePolicy policy = DisclosurePolicy.builder().contact("mailto:security@example.com")
                .expires(T0.plus(Duration.ofDays(30))).clock(clock).build();
        try (DeviceSecurity device = builder().declarationsFile(file).disclosurePolicy(policy).build()) {
            ConformanceStatement s = device.conformanceStatement();
            assertThat(s.declarations().orElseThrow().declarant()).isEqualTo("Jane Doe (PSIRT lead), 2026-11-30");
            assertThat(s.row("5.2-1").orElseThrow().support()).isEqualTo(Support.YES);
            assertThat(s.row("5.3-13").orElseThrow().support()).isEqualTo(Support.YES);
            clock.advance(Duration.ofDays(31));
            ConformanceStatement later = device.conformanceStatement();
            assertThat(later.row("5.2-1").orElseThrow().support()).isEqualTo(Support.NO);
            assertThat(later.row("5.2-1").orElseThrow().detail()).contains("expired on 2026-12-31");
        }
    }

    @Test
    void declarationsFileWithUnknownField_refusedAtBuild() throws Exception {
        Path file = Files.writeString(dir.resolve("declarations.json"), DECLARATIONS.replace("\"schemaVersion\":1",
                "\"schemaVersion\":1,\"supportPeriodEnd\":\"2031-12-31\""));
        assertThatThrownBy(() -> builder().declarationsFile(file))
                .isInstanceOf(io.devsec.core.conformance.DeclarationsException.class)
                .hasMessageContaining("$.supportPeriodEnd");
    }
}
