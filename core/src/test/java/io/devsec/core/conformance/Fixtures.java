package io.devsec.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Facts and declarations of a fully equipped device, and golden-file comparison. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Set -Ddevsec.regenerateGolden=true to rewrite the golden files from the current output. */
    static final boolean REGENERATE = Boolean.getBoolean("devsec.regenerateGolden");

    private Fixtures() {}

    /** Every mechanism holds, observed or configured, as on the demo device with everything on. */
    static ConformanceFacts.Builder facts() {
        ConformanceFacts.Builder b = ConformanceFacts.builder("Demo Thermostat", "ds-abcdefghijklmnopqrstuvwxyz234567")
                .serialNumber("SN-0001")
                .disclosurePolicy(List.of("mailto:security@example.com"), NOW.plusSeconds(300L * 86400))
                .disclosurePolicyUrl("https://example.com/security/policy")
                .consentPurposes(List.of("usage-telemetry"))
                .integrityCheck(ConformanceFacts.IntegrityCheck.PASSED)
                .supportUntil(LocalDate.of(2031, 12, 31));
        for (Mechanism m : Mechanism.values()) {
            boolean observed = m.visibility() == Visibility.DATA_FOLDER;
            b.add(m, observed ? Evidence.observed(m, true, m.description() + " seen")
                    : Evidence.configured(m, true, m.description() + " configured"));
        }
        return b;
    }

    /** The conditions of a typical mains-powered smart device. */
    static Declarations.Builder declarations() {
        Declarations.Builder b = Declarations.builder("Example Devices Ltd", "Demo Thermostat", "Jane Doe",
                        LocalDate.of(2026, 11, 30))
                .manufacturerAddress("1 Example Street, London")
                .productModel("DT-100")
                .declaredByRole("Head of Product Security")
                .condition(Condition.PASSWORDS_USED, true)
                .condition(Condition.PRE_INSTALLED_PASSWORDS, true)
                .condition(Condition.UPDATE_MECHANISM, true)
                .condition(Condition.AUTOMATIC_UPDATES_OR_NOTIFICATIONS, true)
                .condition(Condition.CONSTRAINED_DEVICE, false)
                .condition(Condition.USER_AUTHENTICATION, true)
                .condition(Condition.TELEMETRY_COLLECTED, true)
                .condition(Condition.CONSENT_BASED_PROCESSING, true)
                .condition(Condition.HARD_CODED_UNIQUE_IDENTITY, false)
                .condition(Condition.UPDATES_OVER_NETWORK, true)
                .condition(Condition.DEBUG_INTERFACE_ACCESSIBLE, false)
                .vulnerabilityHandling(5, 30)
                .fixTargetDays(90)
                .vulnerabilityPolicyUrl("https://example.com/security/policy")
                .supportPeriod(LocalDate.of(2031, 12, 31), "https://example.com/eol")
                .secureDevelopmentProcess("IEC 62443-4-1 aligned SDL, reviewed yearly")
                .sbomMonitoring("CycloneDX SBOM per release", "daily OSV scan of the SBOM");
        for (EnProvision p : EnProvision.all()) {
            if (p.needsStatement()) {
                b.provision(p.reference(), true, "manufacturer statement for " + p.reference());
            }
        }
        return b;
    }

    static void golden(String name, String actual) throws IOException {
        Path file = Paths.get("src/test/resources/conformance/golden", name);
        if (REGENERATE || !Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.write(file, actual.getBytes(StandardCharsets.UTF_8));
            if (!REGENERATE) {
                throw new AssertionError("Golden file " + file + " was missing and has been written; check it in");
            }
            return;
        }
        String expected = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertThat(actual).as("golden file %s (regenerate with -Ddevsec.regenerateGolden=true)", file)
                .isEqualTo(expected);
    }
}
