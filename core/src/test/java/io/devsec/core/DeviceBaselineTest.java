package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.DeviceStatus.Finding;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.events.JsonLinesExporter;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.privacy.ConsentState;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.validation.ValidationException;
import io.devsec.testkit.ManualClock;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's baseline beyond credentials: events, configuration file, health check, disclosure, privacy. */
class DeviceBaselineTest {
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(T0);

    static final Purpose LOCATION = Purpose.builder("location").description("room-level location of the device")
            .processor("Acme Cloud").reason("find the device in the app").build();

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").clock(clock)
                .ticker(clock::nanos)
                .loginThrottle(LoginThrottle.builder().freeFailures(0).initialDelay(Duration.ofSeconds(1))
                        .maxDelay(Duration.ofSeconds(4)).maxFailures(3).build());
    }

    static List<SecurityEvent.Type> types(DeviceSecurity device) {
        return device.events().recentEvents().stream().map(SecurityEvent::type).collect(Collectors.toList());
    }

    @Test
    void login_failuresThrottleAndLock_becomeSecurityEventsAndJsonLinesWithoutThePassword() throws Exception {
        StringWriter out = new StringWriter();
        try (DeviceSecurity device = builder().build()) {
            device.events().subscribe(JsonLinesExporter.to(out));
            char[] wrong = "not-the-password-x".toCharArray();
            assertThatThrownBy(() -> device.login(wrong)).isInstanceOf(WrongPasswordException.class);
            assertThatThrownBy(() -> device.login(wrong)).isInstanceOf(LoginThrottledException.class);
            clock.advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> device.login(wrong)).isInstanceOf(WrongPasswordException.class);
            clock.advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> device.login(wrong)).isInstanceOf(LoginLockedException.class);
            assertThat(types(device)).containsSubsequence(SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Type.LOGIN_LOCKED,
                    SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Type.LOGIN_LOCKED);
            assertThat(device.events().recentEvents()).allMatch(e -> e.time().isAfter(T0.minusSeconds(1)),
                    "events carry the device clock");
            assertThat(device.events().alertCount()).as("the detector watches the stream").isPositive();
            DeviceStatus status = device.status();
            assertThat(status.findings()).first().satisfies(f -> {
                assertThat(f.level()).isEqualTo(Finding.Level.PROBLEM);
                assertThat(f.text()).contains("Login locked").contains("factory reset");
            });
        }
        assertThat(out.toString()).contains("\"LOGIN_FAILED\"").contains("\"LOGIN_LOCKED\"")
                .doesNotContain("not-the-password-x");
    }

    @Test
    void eventListener_callingTheFacadeFromAnotherThread_doesNotDeadlock() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            java.util.concurrent.atomic.AtomicReference<DeviceStatus> seen = new java.util.concurrent.atomic.AtomicReference<>();
            device.events().subscribe(event -> {
                if (event.type() != SecurityEvent.Type.LOGIN_FAILED) {
                    return;
                }
                // A listener handing work to another thread that reads the device, and waiting for it briefly.
                Thread reader = new Thread(() -> {
                    try {
                        seen.set(device.status());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                reader.start();
                try {
                    reader.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThatThrownBy(() -> device.login("wrong password again".toCharArray()))
                    .isInstanceOf(WrongPasswordException.class);
            device.events().flush(); // listeners run on the stream's own thread
            assertThat(seen.get()).as("the other thread got the facade lock while the listener ran").isNotNull();
            assertThat(seen.get().consecutiveFailedLogins()).isEqualTo(1);
        }
    }

    @Test
    void status_freshDevice_findingsSayWhatToDoNext() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            DeviceStatus status = device.status();
            List<String> texts = status.findings().stream().map(Finding::text).collect(Collectors.toList());
            assertThat(texts).anyMatch(t -> t.startsWith("No issued certificate: send device.certificateSigningRequestPem()"));
            assertThat(texts).anyMatch(t -> t.startsWith("Initial password the device generated at its first start still in use"));
            assertThat(texts).anyMatch(t -> t.startsWith("No disclosure policy: set builder.disclosurePolicy("));
            assertThat(texts).anyMatch(t -> t.startsWith("Automatic updates off"));
            assertThat(status.securityTxt()).isEmpty();
            assertThat(status.compromised()).isFalse();
            assertThat(status.softwareIntegrity()).isEqualTo(DeviceStatus.SoftwareIntegrity.NOT_CHECKED);
            assertThat(status.toText()).contains("Health check:").contains("[TODO] No issued certificate")
                    .contains("Disclosure policy:    missing");
            assertThat(device.securityTxt()).isEmpty();
        }
    }

    @Test
    void disclosurePolicy_inStatusAndSecurityTxt() throws Exception {
        DisclosurePolicy policy = DisclosurePolicy.builder().contact("mailto:security@acme.example").clock(clock)
                .expires(T0.plus(Duration.ofDays(200))).policy("https://acme.example/security").build();
        try (DeviceSecurity device = builder().disclosurePolicy(policy).build()) {
            assertThat(device.securityTxt()).hasValueSatisfying(t -> assertThat(t).contains("Contact: mailto:security@acme.example"));
            DeviceStatus status = device.status();
            assertThat(status.securityTxt()).isEqualTo(device.securityTxt());
            assertThat(status.findings()).anyMatch(f -> f.area().equals("disclosure") && f.level() == Finding.Level.OK);
            clock.advance(Duration.ofDays(201));
            assertThat(device.status().findings()).anyMatch(f -> f.area().equals("disclosure")
                    && f.level() == Finding.Level.PROBLEM && f.text().contains("expired"));
        }
    }

    @Test
    void configFile_valid_setsProductDisclosureAndPurposes() throws Exception {
        Path config = dir.resolve("devsec.json");
        Files.writeString(config, "{\"productName\":\"Acme Plug\",\"alertTopic\":\"alerts\","
                + "\"disclosure\":{\"contacts\":[\"mailto:security@acme.example\"],\"expires\":\"2026-12-01T00:00:00Z\","
                + "\"preferredLanguages\":[\"en\",\"de\"]},"
                + "\"purposes\":[{\"id\":\"usage\",\"description\":\"when the plug is switched\","
                + "\"processors\":[\"Acme Cloud\"],\"reason\":\"energy report\"}]}");
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("device")).clock(clock)
                .configFile(config).build()) {
            assertThat(device.productName()).isEqualTo("Acme Plug");
            assertThat(device.securityTxt()).hasValueSatisfying(t -> assertThat(t).contains("Preferred-Languages: en, de"));
            assertThat(device.consents().orElseThrow().purposes()).extracting(Purpose::id).containsExactly("usage");
            assertThat(device.dataUseStatement().orElseThrow().text()).contains("energy report");
        }
    }

    @Test
    void configFile_unknownFieldOrPastExpiry_refusedAsInvalidInputEvent() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"productName\":\"Acme Plug\",\"debugShell\":true}");
        assertThatThrownBy(() -> DeviceSecurity.builder().securityEvents(events).configFile(unknown))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationException.Reason.UNKNOWN_FIELD));
        Path expired = dir.resolve("expired.json");
        Files.writeString(expired, "{\"disclosure\":{\"contacts\":[\"mailto:s@acme.example\"],"
                + "\"expires\":\"2020-01-01T00:00:00Z\"}}");
        assertThatThrownBy(() -> DeviceSecurity.builder().clock(clock).securityEvents(events).configFile(expired))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationException.Reason.RULE_FAILED));
        assertThat(events.recentEvents()).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(SecurityEvent.Type.INVALID_INPUT);
            assertThat(e.attributes()).containsEntry("boundary", "config");
        });
    }

    @Test
    void provisioningRecord_malformed_refusedAsInvalidInputEvent() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        Path record = dir.resolve("record.json");
        Files.writeString(record, "{\"serialNumber\": [1, 2, 3]");
        Files.setPosixFilePermissions(record, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> builder().securityEvents(events).provisioningRecord(record).build())
                .isInstanceOf(io.devsec.core.provisioning.InvalidProvisioningRecordException.class);
        assertThat(events.recentEvents()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(SecurityEvent.Type.INVALID_INPUT);
            assertThat(e.attributes()).containsEntry("boundary", "provisioning");
        });
    }

    @Test
    void applyConsentMessage_validGrantsAndWithdraws_invalidIsRefusedAsEvent() throws Exception {
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            assertThat(device.validators().filters()).contains(DeviceSecurity.CONSENT_TOPIC_FILTER);
            device.applyConsentMessage("{\"purpose\":\"location\",\"decision\":\"grant\",\"id\":\"c-1\"}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.GRANTED);
            assertThatThrownBy(() -> device.applyConsentMessage("{\"purpose\":\"camera\",\"decision\":\"grant\"}"
                    .getBytes(StandardCharsets.UTF_8))).isInstanceOf(ValidationException.class);
            assertThatThrownBy(() -> device.applyConsentMessage(("{\"purpose\":\"location\",\"decision\":\"grant\","
                    + "\"extra\":1}").getBytes(StandardCharsets.UTF_8))).isInstanceOf(ValidationException.class);
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.GRANTED);
            device.applyConsentMessage("{\"purpose\":\"location\",\"decision\":\"withdraw\"}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.WITHDRAWN);
            assertThat(device.events().recentEvents()).filteredOn(e -> e.type() == SecurityEvent.Type.INVALID_INPUT)
                    .hasSize(2).allSatisfy(e -> assertThat(e.attributes()).containsEntry("boundary", "consent"));
        }
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.consentMessageSchema()).as("no purposes configured").isEmpty();
            assertThat(device.consents()).isEmpty();
            assertThat(device.applyConsentMessage("{\"purpose\":\"location\",\"decision\":\"grant\"}"
                    .getBytes(StandardCharsets.UTF_8))).isEmpty();
        }
    }

    @Test
    void wipePersonalData_destroysKeysAndConsents_keepsIdentityAndPassword() throws Exception {
        char[] password;
        String id;
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            password = device.takeInitialPassword().orElseThrow();
            id = device.deviceId();
            device.consents().orElseThrow().grant("location");
            device.personalData().put("profile", "Alice, kitchen".getBytes(StandardCharsets.UTF_8));
            WipeReceipt receipt = device.wipePersonalData();
            assertThat(receipt.keysDestroyed()).contains(PersonalDataStore.KEY_ENTRY, "privacy/consents");
            assertThat(receipt.filesRemoved()).isPositive();
            assertThat(receipt.extraActions()).containsKey("outbox");
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.NOT_GIVEN);
            assertThat(device.personalData().get("profile")).isEmpty();
            device.login(password);
            assertThat(device.deviceId()).isEqualTo(id);
        }
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            assertThat(device.deviceId()).isEqualTo(id);
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.NOT_GIVEN);
            device.login(password);
        }
    }

    @Test
    void factoryReset_wipesFirstRotatesIdentityAndSetsNewPassword() throws Exception {
        char[] old;
        try (DeviceSecurity device = builder().build()) {
            old = device.takeInitialPassword().orElseThrow();
        }
        DeviceKeystore.edit(dir.resolve("device"), ed -> ed.putSecret("app/settings", new byte[] {9}));
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            String oldId = device.deviceId();
            device.consents().orElseThrow().grant("location");
            device.personalData().put("profile", new byte[] {1, 2, 3});
            FactoryResetResult result = device.factoryReset(IdentityRotation.ROTATE);
            assertThat(result.wipeReceipt().keysDestroyed()).contains(PersonalDataStore.KEY_ENTRY);
            assertThat(result.deviceId()).isEqualTo(device.deviceId()).isNotEqualTo(oldId);
            assertThat(result.toString()).doesNotContain(new String(result.password()));
            char[] fresh = result.password();
            assertThat(fresh).isNotEqualTo(old);
            assertThatThrownBy(() -> device.login(old)).isInstanceOf(WrongPasswordException.class);
            clock.advance(Duration.ofMinutes(1));
            device.login(fresh);
            result.destroy();
            assertThatThrownBy(result::password).isInstanceOf(IllegalStateException.class);
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.NOT_GIVEN);
            assertThat(types(device)).contains(SecurityEvent.Type.FACTORY_RESET);
        }
        try (io.devsec.storage.Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            assertThat(ks.contains("app/settings")).as("an application entry does not survive the reset").isFalse();
        }
    }

    @Test
    void attackSurfaceAndPublicInfo_fromLiveConfiguration() throws Exception {
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            AttackSurfaceReport report = device.attackSurfaceReport();
            assertThat(report.features()).containsKeys("keystore", "login", "validation", "consent");
            assertThat(report.files()).anyMatch(f -> f.path().equals(DeviceSecurity.KEYSTORE_FILE));
            assertThat(report.endpoints()).isEmpty();
            assertThat(device.publicInfo().text()).contains(device.deviceId()).contains("Acme Sensor")
                    .doesNotContain("BEGIN");
        }
    }

    @Test
    void conformanceStatement_filledFromLiveConfiguration() throws Exception {
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            ConformanceStatement statement = device.conformanceStatement();
            assertThat(statement.deviceId()).isEqualTo(device.deviceId());
            assertThat(statement.toMarkdown()).contains("Acme Sensor").contains("4.1");
            assertThat(statement.toJson()).contains(device.deviceId());
            assertThat(device.conformanceFacts().consentPurposes()).containsExactly("location");
            assertThat(device.conformanceFacts().updatesConfigured()).isFalse();
        }
    }
}
