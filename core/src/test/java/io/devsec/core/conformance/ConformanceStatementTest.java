package io.devsec.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.core.conformance.ConformanceFacts.IntegrityCheck;
import io.devsec.core.conformance.ConformanceFacts.PasswordOrigin;
import io.devsec.core.conformance.ConformanceFacts.PersonalDataUse;
import io.devsec.storage.MasterKeySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConformanceStatementTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A device configured with every feature, the way the demo device is; {@code skip} leaves facts out. */
    static ConformanceFacts.Builder full(String... skip) {
        Set<String> s = Set.of(skip);
        ConformanceFacts.Builder b = ConformanceFacts.builder("Demo Thermostat", "ds-abcdefghijklmnopqrstuvwxyz234567");
        BiConsumer<String, Consumer<ConformanceFacts.Builder>> set = (name, c) -> {
            if (!s.contains(name)) {
                c.accept(b);
            }
        };
        set.accept("serial", x -> x.serialNumber("SN-0001"));
        set.accept("passwordOrigin", x -> x.passwordOrigin(PasswordOrigin.GENERATED_ON_DEVICE));
        set.accept("passwordHashing", x -> x.passwordHashing("Argon2id m=19 MiB t=2"));
        set.accept("passwordPolicy", x -> x.passwordPolicy("NIST SP 800-63B: 15+ characters, blocklist"));
        set.accept("throttle", x -> x.loginThrottle(100, true));
        set.accept("factoryReset", x -> x.factoryResetRegeneratesPassword(true));
        set.accept("disclosure", x -> x.disclosurePolicy(List.of("mailto:security@example.com"),
                NOW.plus(Duration.ofDays(300)), true));
        set.accept("disclosureUrl", x -> x.disclosurePolicyUrl("https://example.com/security/policy"));
        set.accept("sbom", x -> x.sbom("CycloneDX JSON target/bom.json"));
        set.accept("monitoring", x -> x.vulnerabilityMonitoring("devsec sbom-check against OSV advisories"));
        set.accept("updates", x -> x.updates(2, 3, "thermostat-v1").automaticUpdates(Duration.ofHours(6)));
        set.accept("floor", x -> x.antiRollbackFloor(3));
        set.accept("trial", x -> x.updateTrialPolicy("health check within 5 min, else rollback"));
        set.accept("supportUntil", x -> x.supportUntil(LocalDate.of(2031, 12, 31)));
        set.accept("eol", x -> x.endOfLifePolicyUrl("https://example.com/eol"));
        set.accept("masterKey", x -> x.masterKeyKind(MasterKeySource.Kind.DEVICE_SECRET_FILE));
        set.accept("permissions", x -> x.keystorePermissionsEnforced(true));
        set.accept("identity", x -> x.identityGeneratedOnDevice(true));
        set.accept("mqtt", x -> x.mqtt("MQTT 3.1.1", "devices/ds-abc/").outboxPersisted(true)
                .mqttInboundValidated(true));
        set.accept("tls", x -> x.tls(List.of("TLSv1.3", "TLSv1.2"), false, true, 1));
        set.accept("certificate", x -> x.certificateIssued(true).certificateRenewalWindow(Duration.ofDays(30)));
        set.accept("listeningSockets", x -> x.listeningSockets(List.of()));
        set.accept("hardware", x -> x.hardwareInterfaces("No serial console; JTAG disabled in production"));
        set.accept("features", x -> x.enabledFeatures(List.of("mqtt", "updates", "events")));
        set.accept("runsAsRoot", x -> x.runsAsRoot(false));
        set.accept("integrity", x -> x.integrityCheck(IntegrityCheck.PASSED));
        set.accept("quarantine", x -> x.integrityQuarantine(true));
        set.accept("personalData", x -> x.personalDataUse(PersonalDataUse.PROCESSED));
        set.accept("consentRegistry", x -> x.consentRegistry(List.of("usage-telemetry")));
        set.accept("consentGate", x -> x.consentGatedTelemetry(true));
        set.accept("dataUseStatement", x -> x.dataUseStatementAvailable(true));
        set.accept("wipe", x -> x.personalDataWipe(true));
        set.accept("reconnect", x -> x.reconnectPolicy("exponential backoff 1 s to 120 s, full jitter", true));
        set.accept("atomic", x -> x.atomicStatePersistence(true));
        set.accept("events", x -> x.securityEvents(true));
        set.accept("anomaly", x -> x.anomalyDetection(true));
        set.accept("telemetry", x -> x.telemetryExport(true));
        set.accept("validators", x -> x.inputValidators(3));
        return b;
    }

    /** Each fact left out of the full configuration, and exactly the rows that must turn to N without it. */
    static Stream<Arguments> factsAndTheRowsTheyCarry() {
        return Stream.of(
                Arguments.of("passwordOrigin", List.of("4.1-1")),
                Arguments.of("passwordHashing", List.of("4.1-1")),
                Arguments.of("factoryReset", List.of("4.1-1")),
                Arguments.of("disclosure", List.of("4.2-1")),
                Arguments.of("disclosureUrl", List.of("4.2-2")),
                Arguments.of("sbom", List.of("4.2-3")),
                Arguments.of("monitoring", List.of("4.2-3")),
                Arguments.of("updates", List.of("4.3-1", "4.3-3", "4.3-4")),
                Arguments.of("supportUntil", List.of("4.3-2")),
                Arguments.of("masterKey", List.of("4.4-1", "4.5-2")),
                Arguments.of("permissions", List.of("4.4-1")),
                Arguments.of("identity", List.of("4.4-1", "4.5-2")),
                Arguments.of("tls", List.of("4.5-1")),
                Arguments.of("listeningSockets", List.of("4.6-1")),
                Arguments.of("hardware", List.of("4.6-2")),
                Arguments.of("runsAsRoot", List.of("4.6-5")),
                Arguments.of("integrity", List.of("4.7-1", "4.7-2")),
                Arguments.of("quarantine", List.of("4.7-2")),
                Arguments.of("personalData", List.of("4.8-1", "4.8-2", "4.8-3")),
                Arguments.of("consentRegistry", List.of("4.8-1", "4.8-2", "4.8-3")),
                Arguments.of("dataUseStatement", List.of("4.8-1", "4.11-2")),
                Arguments.of("wipe", List.of("4.11-1", "4.11-2")),
                Arguments.of("mqtt", List.of("4.9-2", "4.9-3")),
                Arguments.of("reconnect", List.of("4.9-3")),
                Arguments.of("atomic", List.of("4.9-1", "4.9-2")),
                Arguments.of("events", List.of("4.7-2", "4.10-1")),
                Arguments.of("anomaly", List.of("4.10-1")),
                Arguments.of("validators", List.of("4.13-1")),
                // facts that only add detail: nothing turns to N
                Arguments.of("serial", List.of()),
                Arguments.of("passwordPolicy", List.of()),
                Arguments.of("throttle", List.of()),
                Arguments.of("eol", List.of()),
                Arguments.of("certificate", List.of()),
                Arguments.of("telemetry", List.of()));
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("factsAndTheRowsTheyCarry")
    void generate_withoutOneFact_exactlyTheRowsItCarriesAreNo(String fact, List<String> expectedNo) {
        ConformanceStatement s = ConformanceStatement.generate(full(fact).build(), CLOCK);
        assertThat(s.rows()).filteredOn(r -> r.support() == Support.NO)
                .extracting(ConformanceStatement.Row::reference).containsExactlyElementsOf(expectedNo);
    }

    static ConformanceFacts bare() {
        return ConformanceFacts.builder("Bare", "ds-bare").build();
    }

    static Map<String, ConformanceStatement.Row> byRef(ConformanceStatement s) {
        return s.rows().stream().collect(Collectors.toMap(ConformanceStatement.Row::reference, Function.identity()));
    }

    @Test
    void catalogue_listsEveryProvisionOfTs103645V111ExactlyOnce() {
        List<String> refs = Provision.all().stream().map(Provision::reference).collect(Collectors.toList());
        assertThat(refs).containsExactly(
                "4.1-1", "4.2-1", "4.2-2", "4.2-3", "4.3-1", "4.3-2", "4.3-3", "4.3-4", "4.4-1", "4.5-1", "4.5-2",
                "4.6-1", "4.6-2", "4.6-3", "4.6-4", "4.6-5", "4.7-1", "4.7-2", "4.8-1", "4.8-2", "4.8-3",
                "4.9-1", "4.9-2", "4.9-3", "4.10-1", "4.11-1", "4.11-2", "4.12-1", "4.13-1");
        assertThat(new HashSet<>(refs)).hasSize(refs.size());
        assertThat(Provision.all().stream().filter(p -> p.status() == ProvisionStatus.MANDATORY)
                .map(Provision::reference))
                .containsExactly("4.1-1", "4.2-1", "4.3-2", "4.4-1", "4.8-1", "4.8-2", "4.8-3", "4.13-1");
        Set<String> clauses = Provision.all().stream().map(Provision::clause).collect(Collectors.toSet());
        assertThat(clauses).hasSize(13);
        for (Provision p : Provision.all()) {
            assertThat(p.reference()).startsWith(p.clause() + "-");
            assertThat(p.en303645()).isNotEmpty().allMatch(en -> en.matches("(5\\.\\d+|6)-\\d+"));
            assertThat(p.summary()).isNotBlank().hasSizeLessThan(140);
        }
        assertThat(Provision.byReference("4.3-2")).map(Provision::en303645).contains(List.of("5.3-13"));
        assertThat(Provision.byReference("4.14-1")).isEmpty();
    }

    @Test
    void generate_hasOneRowPerProvisionInOrder_withEnMapping() {
        ConformanceStatement s = ConformanceStatement.generate(full().build(), CLOCK);
        assertThat(s.rows()).extracting(ConformanceStatement.Row::provision).containsExactlyElementsOf(Provision.all());
        assertThat(s.rows()).allSatisfy(r -> {
            assertThat(r.en303645()).isNotEmpty();
            assertThat(r.detail()).isNotBlank();
            assertThat(r.title()).isNotBlank();
        });
        assertThat(s.generatedAt()).isEqualTo(NOW);
    }

    @Test
    void generate_fullyConfiguredDevice_supportsEveryMandatoryAndRecommendedProvision() {
        ConformanceStatement s = ConformanceStatement.generate(full().build(), CLOCK);
        assertThat(s.mandatoryUnmet()).isEmpty();
        assertThat(s.rows()).filteredOn(r -> r.status() == ProvisionStatus.MANDATORY)
                .allSatisfy(r -> assertThat(r.support()).as(r.reference()).isEqualTo(Support.YES));
        // 4.3-4 (constrained device that cannot be updated) is N/A on an updateable device; all others are Y.
        assertThat(s.recommendedUnmet()).isEmpty();
        assertThat(s.rows()).filteredOn(r -> r.support() == Support.NOT_APPLICABLE)
                .extracting(ConformanceStatement.Row::reference).containsExactly("4.3-4");
        assertThat(s.supported(ProvisionStatus.MANDATORY)).isEqualTo(8);
        assertThat(s.applicable(ProvisionStatus.MANDATORY)).isEqualTo(8);
        assertThat(s.supported(ProvisionStatus.RECOMMENDED)).isEqualTo(20);
    }

    @Test
    void generate_fullyConfiguredDevice_detailNamesFeatureAndSetting() {
        Map<String, ConformanceStatement.Row> rows = byRef(ConformanceStatement.generate(full().build(), CLOCK));
        assertThat(rows.get("4.1-1").detail()).contains("SecureRandom", "Argon2id", "100");
        assertThat(rows.get("4.2-1").detail()).contains("mailto:security@example.com", "security.txt");
        assertThat(rows.get("4.3-1").detail()).contains("2 of 3", "thermostat-v1", "floor version 3");
        assertThat(rows.get("4.3-2").detail()).contains("2031-12-31", "https://example.com/eol");
        assertThat(rows.get("4.3-3").detail()).contains("6 h");
        assertThat(rows.get("4.4-1").detail()).contains("AES-256-GCM", "DEVICE_SECRET_FILE");
        assertThat(rows.get("4.5-1").detail()).contains("TLSv1.3 and TLSv1.2", "mutual", "1 public key pin");
        assertThat(rows.get("4.8-2").detail()).contains("usage-telemetry", "held back");
        assertThat(rows.get("4.13-1").detail()).contains("3 validator(s)", "MQTT");
        assertThat(rows.get("4.9-1").detail()).contains("A/B", "outbox");
    }

    @Test
    void generate_bareFacts_everyFeatureRowIsNoWithReason() {
        ConformanceStatement s = ConformanceStatement.generate(bare(), CLOCK);
        Map<String, ConformanceStatement.Row> rows = byRef(s);
        assertThat(s.mandatoryUnmet()).extracting(ConformanceStatement.Row::reference)
                .containsExactly("4.1-1", "4.2-1", "4.3-2", "4.4-1", "4.8-1", "4.8-2", "4.8-3", "4.13-1");
        assertThat(rows.get("4.1-1").detail()).contains("DeviceSecurity.builder()");
        assertThat(rows.get("4.2-1").detail()).contains("DisclosurePolicy");
        assertThat(rows.get("4.3-1").support()).isEqualTo(Support.NO);
        assertThat(rows.get("4.3-1").detail()).contains("startUpdates");
        assertThat(rows.get("4.3-2").detail()).contains("support-until");
        assertThat(rows.get("4.3-4").support()).isEqualTo(Support.NO);
        assertThat(rows.get("4.5-1").detail()).contains("MqttSettings");
        assertThat(rows.get("4.6-1").detail()).contains("not checked");
        assertThat(rows.get("4.6-5").detail()).contains("unknown");
        assertThat(rows.get("4.7-1").detail()).contains("No integrity check");
        assertThat(rows.get("4.8-1").detail()).contains("not declared");
        assertThat(rows.get("4.10-1").detail()).contains("AnomalyDetector");
        assertThat(rows.get("4.13-1").detail()).contains("ValidatorRegistry");
        assertThat(rows.get("4.9-1").detail()).doesNotContain("A/B", "outbox");
        // what the SDK always provides by construction stays Y: off-by-default features, code kept off the device,
        // a builder with secure defaults
        assertThat(s.rows()).filteredOn(r -> r.support() == Support.YES)
                .extracting(ConformanceStatement.Row::reference).containsExactly("4.6-3", "4.6-4", "4.12-1");
        assertThat(s.rows()).filteredOn(r -> r.support() == Support.NO)
                .allSatisfy(r -> assertThat(r.detail()).as(r.reference()).hasSizeGreaterThan(20));
    }

    @Test
    void generate_expiredDisclosurePolicy_isNotMet() {
        ConformanceFacts f = ConformanceFacts.builder("P", "ds-x")
                .disclosurePolicy(List.of("mailto:s@example.com"), NOW.minusSeconds(1), true).build();
        ConformanceStatement.Row r = ConformanceStatement.generate(f, CLOCK).row("4.2-1").orElseThrow();
        assertThat(r.support()).isEqualTo(Support.NO);
        assertThat(r.detail()).contains("expired");
    }

    @Test
    void generate_insecureChoices_turnTheirRowsToNo() {
        ConformanceStatement s = ConformanceStatement.generate(full()
                .keystorePermissionsEnforced(false)
                .tls(List.of("TLSv1.3", "TLSv1.2", "TLSv1.1"), true, true, 0)
                .runsAsRoot(true)
                .listeningSockets(List.of("tcp 0.0.0.0:1883"))
                .reconnectPolicy("fixed 5 s", false)
                .integrityCheck(IntegrityCheck.FAILED)
                .mqttInboundValidated(false)
                .insecureOption("KeystoreOptions.insecureAllowLoosePermissions")
                .build(), CLOCK);
        Map<String, ConformanceStatement.Row> rows = byRef(s);
        assertThat(rows.get("4.4-1").support()).isEqualTo(Support.NO);
        assertThat(rows.get("4.4-1").detail()).contains("insecureAllowLoosePermissions");
        assertThat(rows.get("4.5-1").detail()).contains("insecureAllowLegacyProtocolsAndSuites");
        assertThat(rows.get("4.6-1").detail()).contains("tcp 0.0.0.0:1883");
        assertThat(rows.get("4.6-5").detail()).contains("root");
        assertThat(rows.get("4.7-1").detail()).contains("FAILED");
        assertThat(rows.get("4.9-3").detail()).contains("jitter");
        assertThat(rows.get("4.13-1").detail()).contains("without validation");
        assertThat(s.mandatoryUnmet()).extracting(ConformanceStatement.Row::reference)
                .containsExactly("4.4-1", "4.13-1");
        assertThat(rows.get("4.12-1").detail()).contains("insecureAllowLoosePermissions");
        assertThat(s.toMarkdown()).contains("| Insecure opt-ins | KeystoreOptions.insecureAllowLoosePermissions |");
    }

    @Test
    void generate_integrityUnverifiableOrNotYetRun_isNoWithTheReason() {
        assertThat(ConformanceStatement.generate(full().integrityCheck(IntegrityCheck.UNVERIFIABLE).build(), CLOCK)
                .row("4.7-1").orElseThrow().detail()).contains("No signed metadata");
        assertThat(ConformanceStatement.generate(full().integrityCheck(IntegrityCheck.NOT_YET_RUN).build(), CLOCK)
                .row("4.7-1").orElseThrow().detail()).contains("not run yet");
        assertThat(ConformanceStatement.generate(full().integrityCheck(IntegrityCheck.UNVERIFIABLE).build(), CLOCK)
                .mandatoryUnmet()).isEmpty();
    }

    @Test
    void generate_noPersonalDataDeclared_personalDataRowsAreNotApplicable() {
        ConformanceStatement s = ConformanceStatement.generate(
                ConformanceFacts.builder("P", "ds-x").personalDataUse(PersonalDataUse.NONE).build(), CLOCK);
        for (String ref : List.of("4.8-1", "4.8-2", "4.8-3", "4.11-1", "4.11-2")) {
            assertThat(s.row(ref).orElseThrow().support()).as(ref).isEqualTo(Support.NOT_APPLICABLE);
        }
        assertThat(s.mandatoryUnmet()).extracting(ConformanceStatement.Row::reference).doesNotContain("4.8-1");
        assertThat(s.applicable(ProvisionStatus.MANDATORY)).isEqualTo(5);
    }

    @Test
    void generate_supportPeriodEnded_stillStatedButNoted() {
        ConformanceStatement.Row r = ConformanceStatement.generate(
                full().supportUntil(LocalDate.of(2025, 1, 1)).build(), CLOCK).row("4.3-2").orElseThrow();
        assertThat(r.support()).isEqualTo(Support.YES);
        assertThat(r.detail()).contains("ended");
    }

    @Test
    void toMarkdown_hasHeaderTableRowsAndSummary() {
        ConformanceStatement s = ConformanceStatement.generate(full().build(), CLOCK);
        String md = s.toMarkdown();
        assertThat(md).contains("| Product | Demo Thermostat |", "| Device id | ds-abcdefghijklmnopqrstuvwxyz234567 |",
                "| Generated at | 2026-03-01T12:00:00Z |", "ETSI TS 103 645 V1.1.1 (2019-02)",
                "ETSI EN 303 645 V2.1.1", "| Serial number | SN-0001 |",
                "| Reference | Provision | Status | Support | Detail | EN 303 645 |",
                "Mandatory supported: 8/8", "Recommended supported: 20/20");
        List<String> tableRows = md.lines().filter(l -> l.matches("\\| 4\\.\\d+-\\d+ \\|.*")).collect(Collectors.toList());
        assertThat(tableRows).hasSize(Provision.all().size());
        for (String line : tableRows) {
            // six cells: no unescaped pipe inside a cell
            assertThat(line.split("(?<!\\\\)\\|", -1)).hasSize(8);
        }
        assertThat(md).contains("| 4.1-1 | ").contains(" | M | Y | ").contains("| 5.3-13 |");
    }

    @Test
    void toMarkdown_bareDevice_listsMandatoryNotMet() {
        String md = ConformanceStatement.generate(bare(), CLOCK).toMarkdown();
        assertThat(md).contains("Mandatory supported: 0/8",
                "Mandatory provisions not met: 4.1-1, 4.2-1, 4.3-2, 4.4-1, 4.8-1, 4.8-2, 4.8-3, 4.13-1");
    }

    @Test
    void toMarkdown_escapesPipesAndNewlinesInCells() {
        String md = ConformanceStatement.generate(ConformanceFacts.builder("A|B\nC", "ds-x").build(), CLOCK)
                .toMarkdown();
        assertThat(md).contains("| Product | A\\|B C |");
    }

    @Test
    void toJson_roundTripsWithEveryRowField() throws Exception {
        ConformanceStatement s = ConformanceStatement.generate(full().build(), CLOCK);
        JsonNode root = new ObjectMapper().readTree(s.toJson());
        assertThat(root.get("standard").asText()).isEqualTo(ConformanceStatement.STANDARD);
        assertThat(root.get("mappedStandard").asText()).isEqualTo(ConformanceStatement.MAPPED_STANDARD);
        assertThat(root.get("product").asText()).isEqualTo("Demo Thermostat");
        assertThat(root.get("deviceId").asText()).isEqualTo(s.deviceId());
        assertThat(root.get("serialNumber").asText()).isEqualTo("SN-0001");
        assertThat(Instant.parse(root.get("generatedAt").asText())).isEqualTo(NOW);
        JsonNode rows = root.get("rows");
        assertThat(rows.size()).isEqualTo(s.rows().size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode n = rows.get(i);
            ConformanceStatement.Row r = s.rows().get(i);
            assertThat(fieldNames(n)).containsExactly("reference", "clause", "clauseTitle", "title", "status",
                    "support", "detail", "en303645");
            assertThat(n.get("reference").asText()).isEqualTo(r.reference());
            assertThat(n.get("clause").asText()).isEqualTo(r.provision().clause());
            assertThat(n.get("title").asText()).isEqualTo(r.title());
            assertThat(n.get("status").asText()).isEqualTo(r.status().code());
            assertThat(Support.fromCode(n.get("support").asText())).isEqualTo(r.support());
            assertThat(n.get("detail").asText()).isEqualTo(r.detail());
            assertThat(n.get("en303645").size()).isEqualTo(r.en303645().size()).isPositive();
            for (int j = 0; j < r.en303645().size(); j++) {
                assertThat(n.get("en303645").get(j).asText()).isEqualTo(r.en303645().get(j));
            }
        }
        JsonNode summary = root.get("summary");
        assertThat(summary.get("mandatorySupported").asInt()).isEqualTo(8);
        assertThat(summary.get("mandatoryTotal").asInt()).isEqualTo(8);
        assertThat(summary.get("recommendedTotal").asInt()).isEqualTo(21);
        assertThat(summary.get("mandatoryUnmet").size()).isZero();
    }

    @Test
    void toJson_bareDevice_namesMandatoryUnmet() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ConformanceStatement.generate(bare(), CLOCK).toJson());
        assertThat(root.has("serialNumber")).isFalse();
        assertThat(root.get("summary").get("mandatoryUnmet").size()).isEqualTo(8);
        assertThat(root.get("summary").get("mandatorySupported").asInt()).isZero();
    }

    @Test
    void builder_rejectsBlankAndContradictoryFacts() {
        assertThatThrownBy(() -> ConformanceFacts.builder(" ", "ds-x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("productName");
        assertThatThrownBy(() -> ConformanceFacts.builder("P", "ds-x").updates(3, 2, "hw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rootKeys");
        assertThatThrownBy(() -> ConformanceFacts.builder("P", "ds-x").outboxPersisted(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outboxPersisted");
        assertThatThrownBy(() -> ConformanceFacts.builder("P", "ds-x").loginThrottle(-1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFailures");
        assertThatThrownBy(() -> ConformanceFacts.builder("P", "ds-x").disclosurePolicy(List.of(), NOW, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contacts");
        assertThatThrownBy(() -> ConformanceFacts.builder("P", "ds-x").automaticUpdates(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkInterval");
    }

    @Test
    void facts_areImmutableCopies() {
        List<String> purposes = new java.util.ArrayList<>(List.of("a"));
        ConformanceFacts f = ConformanceFacts.builder("P", "ds-x").consentRegistry(purposes).build();
        purposes.add("b");
        assertThat(f.consentPurposes()).containsExactly("a");
        assertThatThrownBy(() -> f.consentPurposes().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
