package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Declarations;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.events.AnomalySettings;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.PersonalDataWipe;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.validation.JsonLimits;
import io.devsec.testkit.PublicApi;
import io.devsec.transport.MqttProtocol;
import io.devsec.transport.TrustAnchors;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code x.toBuilder().build()} reads as {@code x}; one setter on it changes only its own field. */
class ToBuilderTest {

    @Test
    void everyPublicTypeWithABuilder_hasToBuilder_exceptServicesAndReports() {
        assertThat(PublicApi.builderTypesWithoutToBuilder(DeviceSecurityException.class, Set.of(DeviceSecurity.class,
                SecurityEvents.class, ConsentGate.class, PersonalDataWipe.class, AttackSurfaceReport.class))).isEmpty();
    }

    @Test
    void mqttSettings_toBuilder_roundTripsAndChangesOneField() throws Exception {
        io.devsec.testkit.TestCa ca = io.devsec.testkit.TestCa.create("Test Root", Instant.now());
        MqttSettings x = MqttSettings.builder("broker.example", 8883, TrustAnchors.of(List.of(ca.caCertificate())))
                .protocol(MqttProtocol.MQTT_3_1_1).clientId("plug-1").outboxFolder(Paths.get("/tmp/outbox"))
                .outboxLimits(10, 1 << 20).keepAlive(Duration.ofSeconds(30)).maxInboundPayloadBytes(4096).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().keepAlive(Duration.ofSeconds(45)).build()))
                .containsExactly("keepAlive");
    }

    @Test
    void updateSettings_toBuilder_roundTripsAndChangesOneField() {
        UpdateSettings x = UpdateSettings.builder(new byte[] {1, 2, 3}, "thermostat-v2")
                .slotsFolder(Paths.get("/tmp/slots")).factoryVersion(4).factoryMetadata(new byte[] {9}).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().factoryVersion(5).build()))
                .containsExactly("factoryVersion");
    }

    @Test
    void passwordPolicy_toBuilder_roundTripsAndChangesOneField() {
        PasswordPolicy x = PasswordPolicy.builder().minLength(12).maxLength(64).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().maxLength(65).build())).containsExactly("maxLength");
    }

    @Test
    void loginThrottle_toBuilder_roundTripsAndChangesOneField() {
        LoginThrottle x = LoginThrottle.builder().freeFailures(3).maxDelay(Duration.ofMinutes(5)).maxFailures(50).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().maxFailures(60).build())).containsExactly("maxFailures");
    }

    @Test
    void securityEvent_toBuilder_roundTripsAndChangesOneField() {
        SecurityEvent x = SecurityEvent.builder(SecurityEvent.Type.LOGIN_FAILED, SecurityEvent.Source.CORE)
                .time(Instant.parse("2026-01-01T00:00:00Z")).attribute("user", "owner").build();
        assertThat(x.toBuilder().build()).isEqualTo(x);
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().time(Instant.parse("2026-01-02T00:00:00Z")).build()))
                .containsExactly("time");
    }

    @Test
    void anomalySettings_toBuilder_roundTripsAndChangesOneField() {
        AnomalySettings x = AnomalySettings.builder().window(Duration.ofMinutes(5)).warmupWindows(2)
                .threshold(SecurityEvent.Type.LOGIN_FAILED, 7).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().warmupWindows(4).build()))
                .containsExactly("warmupWindows");
    }

    @Test
    void purpose_toBuilder_roundTripsAndChangesOneField() {
        Purpose x = Purpose.builder("energy-report").description("Monthly energy use").processor("Acme Cloud")
                .reason("billing").build();
        assertThat(x.toBuilder().build()).isEqualTo(x);
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().reason("analytics").build())).containsExactly("reason");
    }

    @Test
    void disclosurePolicy_toBuilder_roundTripsAndChangesOneField() {
        Instant expires = Instant.now().plus(100, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        DisclosurePolicy x = DisclosurePolicy.builder().contact("mailto:security@example.com").expires(expires)
                .preferredLanguage("en").build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().hiring("https://example.com/jobs").build()))
                .contains("hiring").doesNotContain("contacts", "expires", "preferredLanguages");
    }

    @Test
    void disclosurePolicy_builtWithLongExpiry_toBuilderKeepsTheAllowance() {
        DisclosurePolicy x = DisclosurePolicy.builder().contact("mailto:security@example.com")
                .expires(Instant.now().plus(600, ChronoUnit.DAYS)).allowExpiryBeyondOneYear().build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
    }

    @Test
    void declarations_toBuilder_roundTripsAndChangesOneField() {
        Declarations x = Declarations.builder("Acme", "Thermostat", "Product security officer", LocalDate.of(2026, 1, 5))
                .productModel("T-2").fixTargetDays(30).secureDevelopmentProcess("SDL v3").build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().fixTargetDays(45).build()))
                .contains("fixTargetDays").doesNotContain("productModel", "secureDevelopmentProcess", "manufacturerName");
    }

    @Test
    void jsonLimits_toBuilder_roundTripsAndChangesOneField() {
        JsonLimits x = JsonLimits.builder().maxDepth(8).maxEntries(100).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().maxDepth(9).build())).containsExactly("maxDepth");
    }

    @Test
    void conformanceFacts_toBuilder_roundTripsAndChangesOneField() {
        ConformanceFacts x = ConformanceFacts.builder("Thermostat", "ds-abcdefghijklmnopqrstuvwxyz234567")
                .serialNumber("SN-1").evidence(Mechanism.PASSWORD_UNIQUE,
                        Evidence.observed(Mechanism.PASSWORD_UNIQUE, true, "set at first start")).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().serialNumber("SN-2").build()))
                .contains("serialNumber").doesNotContain("productName", "deviceId");
    }
}
