package io.devsec.core.conformance;

import static io.devsec.core.conformance.Fixtures.CLOCK;
import static io.devsec.core.conformance.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConformanceStatementTest {

    static ConformanceStatement full() {
        return ConformanceStatement.generate(Fixtures.facts().build(), Fixtures.declarations().build(), CLOCK);
    }

    /** Constrained, not updateable, no telemetry, no consent, debug port reachable, hard-coded identity. */
    static ConformanceStatement constrained() {
        ConformanceFacts.Builder f = Fixtures.facts();
        f.add(Mechanism.UPDATE_SIGNED, Evidence.notAssessed(Mechanism.UPDATE_SIGNED, "no trusted root"));
        f.add(Mechanism.UPDATE_AUTOMATIC, Evidence.notAssessed(Mechanism.UPDATE_AUTOMATIC, "no agent"));
        f.consentPurposes(List.of());
        Declarations.Builder d = Fixtures.declarations()
                .condition(Condition.CONSTRAINED_DEVICE, true)
                .condition(Condition.UPDATE_MECHANISM, false)
                .condition(Condition.UPDATES_OVER_NETWORK, false)
                .condition(Condition.AUTOMATIC_UPDATES_OR_NOTIFICATIONS, false)
                .condition(Condition.TELEMETRY_COLLECTED, false)
                .condition(Condition.CONSENT_BASED_PROCESSING, false)
                .condition(Condition.HARD_CODED_UNIQUE_IDENTITY, true)
                .condition(Condition.DEBUG_INTERFACE_ACCESSIBLE, true)
                .justification("5.3-1", "the sensor firmware is in mask ROM")
                .justification("5.5-3", "the crypto library is in mask ROM");
        return ConformanceStatement.generate(f.build(), d.build(), CLOCK);
    }

    static ConformanceStatement noDeclarations() {
        return ConformanceStatement.generate(Fixtures.facts().build(), CLOCK);
    }

    static Stream<ConformanceStatement> combinations() {
        return Stream.of(full(), constrained(), noDeclarations(),
                ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(), CLOCK),
                ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(),
                        Fixtures.declarations().build(), CLOCK));
    }

    // ------------------------------------------------------------------ invariants

    @ParameterizedTest
    @MethodSource("combinations")
    void everyProvisionOfTableB1_presentOnceInOrder(ConformanceStatement s) {
        assertThat(s.rows().stream().map(ConformanceStatement.Row::reference))
                .containsExactlyElementsOf(EnProvision.all().stream().map(EnProvision::reference)
                        .collect(Collectors.toList()));
        assertThat(EnProvision.all()).hasSize(68);
        assertThat(EnProvision.all().stream().filter(p -> p.status() == ProvisionStatus.MANDATORY)).hasSize(33);
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void notApplicable_onlyOnConditionalRows(ConformanceStatement s) {
        for (ConformanceStatement.Row r : s.rows()) {
            if (r.support() == Support.NOT_APPLICABLE) {
                assertThat(r.provision().conditional()).as(r.reference()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void supportedRow_restsOnObservedOrConfiguredEvidenceForEverySdkMechanism(ConformanceStatement s) {
        for (ConformanceStatement.Row r : s.rows()) {
            if (r.support() != Support.YES) {
                continue;
            }
            assertThat(r.missing()).as(r.reference()).isEmpty();
            for (Mechanism m : r.provision().mechanisms()) {
                if (r.reference().equals("6-3") && r.evidenceClasses().equals(java.util.EnumSet.of(EvidenceClass.DECLARED))
                        && r.detail().startsWith("Met without a mechanism")) {
                    continue;
                }
                assertThat(r.evidence()).as(r.reference() + " " + m)
                        .anyMatch(e -> e.subject().equals(m.name()) && e.holds()
                                && (e.evidenceClass() == EvidenceClass.OBSERVED
                                        || e.evidenceClass() == EvidenceClass.CONFIGURED));
            }
        }
    }

    @Test
    void declarationsAlone_neverSupportAMandatoryRowTheSdkImplements() {
        ConformanceStatement s = ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(),
                Fixtures.declarations().build(), CLOCK);
        for (ConformanceStatement.Row r : s.rows()) {
            if (!r.provision().mechanisms().isEmpty() && r.status() == ProvisionStatus.MANDATORY) {
                assertThat(r.support()).as(r.reference()).isNotEqualTo(Support.YES);
            }
        }
        assertThat(s.row("5.4-1").get().support()).isEqualTo(Support.NOT_ASSESSED);
    }

    @Test
    void noInputs_noRowIsSupported() {
        ConformanceStatement s = ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(),
                CLOCK);
        assertThat(s.rows()).noneMatch(r -> r.support() == Support.YES);
        assertThat(s.rows()).noneMatch(r -> r.support() == Support.NO);
    }

    @Test
    void fullDevice_everyApplicableRowSupported() {
        ConformanceStatement s = full();
        assertThat(s.rows()).allMatch(r -> r.support() == Support.YES || r.support() == Support.NOT_APPLICABLE);
        assertThat(s.row("5.3-14").get().support()).isEqualTo(Support.NOT_APPLICABLE);
        assertThat(s.row("5.4-2").get().support()).isEqualTo(Support.NOT_APPLICABLE);
        assertThat(s.mandatoryUnmet()).isEmpty();
        assertThat(s.mandatoryNotAssessed()).isEmpty();
    }

    // ------------------------------------------------------------------ each mechanism changes its rows

    @ParameterizedTest
    @EnumSource(Mechanism.class)
    void mechanismBroken_turnsItsRowsToNo_andMissing_toNotAssessed(Mechanism m) {
        List<String> rows = EnProvision.all().stream().filter(p -> p.mechanisms().contains(m))
                .map(EnProvision::reference).collect(Collectors.toList());
        ConformanceStatement broken = ConformanceStatement.generate(Fixtures.facts()
                .evidence(m, Evidence.observed(m, false, m.description() + " BROKEN")).build(),
                Fixtures.declarations().build(), CLOCK);
        ConformanceStatement missing = ConformanceStatement.generate(Fixtures.facts()
                .evidence(m, Evidence.notAssessed(m, "cannot see it")).build(), Fixtures.declarations().build(), CLOCK);
        for (String ref : rows) {
            assertThat(full().row(ref).get().support()).as(ref).isEqualTo(Support.YES);
            assertThat(broken.row(ref).get().support()).as(ref).isEqualTo(Support.NO);
            assertThat(broken.row(ref).get().detail()).as(ref).contains("BROKEN");
            assertThat(missing.row(ref).get().support()).as(ref).isEqualTo(Support.NOT_ASSESSED);
            assertThat(missing.row(ref).get().detail()).as(ref).contains("cannot see it");
        }
    }

    @Test
    void manufacturerStatementNotMet_turnsRowToNo() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                Fixtures.declarations().condition(Condition.DEBUG_INTERFACE_ACCESSIBLE, true)
                        .provision("5.6-4", false, "UART console left enabled").build(), CLOCK);
        assertThat(s.row("5.6-4").get().support()).isEqualTo(Support.NO);
        assertThat(s.row("5.6-4").get().detail()).contains("UART console left enabled");
    }

    @Test
    void unknownCondition_leavesConditionalRowNotAssessed_neverNotApplicable() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                Declarations.builder("M", "P", "N", LocalDate.of(2026, 1, 1)).build(), CLOCK);
        assertThat(s.row("5.6-4").get().support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(s.row("5.6-4").get().detail()).contains("debugInterfacePhysicallyAccessible");
    }

    // ------------------------------------------------------------------ process facts and expiry

    @Test
    void disclosureWithoutTimescales_isNotAssessed_namingThem() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                Declarations.builder("M", "P", "N", LocalDate.of(2026, 1, 1)).build(), CLOCK);
        ConformanceStatement.Row r = s.row("5.2-1").get();
        assertThat(r.support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(r.detail()).contains("acknowledgement").contains("status updates");
    }

    @Test
    void disclosurePolicyPastItsExpiry_isNoWithTheDate() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts()
                .disclosurePolicy(List.of("mailto:security@example.com"), NOW.minusSeconds(86400)).build(),
                Fixtures.declarations().build(), CLOCK);
        assertThat(s.row("5.2-1").get().support()).isEqualTo(Support.NO);
        assertThat(s.row("5.2-1").get().detail()).contains("expired on 2026-11-30T12:00:00Z");
    }

    @Test
    void supportPeriodEnded_isNoWithTheDate() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                Fixtures.declarations().supportPeriod(LocalDate.of(2026, 11, 30), "https://example.com/eol").build(),
                CLOCK);
        assertThat(s.row("5.3-13").get().support()).isEqualTo(Support.NO);
        assertThat(s.row("5.3-13").get().detail()).contains("ended on 2026-11-30");
        assertThat(s.psti().requirements().get(2).support()).isEqualTo(Support.NO);
    }

    @Test
    void supportUntilInUpdateMetadataEnded_isNoEvenWithoutDeclarations() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts()
                .supportUntil(LocalDate.of(2026, 6, 30)).build(), CLOCK);
        assertThat(s.row("5.3-13").get().support()).isEqualTo(Support.NO);
        assertThat(s.row("5.3-13").get().detail()).contains("2026-06-30");
    }

    @Test
    void supportUntilDateAlone_doesNotMakeTheSupportPeriodPublished() {
        ConformanceStatement s = noDeclarations();
        assertThat(s.row("5.3-13").get().support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(s.row("5.3-13").get().detail()).contains("2031-12-31").contains("supportPeriod.endDate");
    }

    @Test
    void recommendationNotMet_needsJustification_for4dash1() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts()
                .evidence(Mechanism.RECONNECT_JITTER, Evidence.configured(Mechanism.RECONNECT_JITTER, false, "no jitter"))
                .build(), Fixtures.declarations().build(), CLOCK);
        assertThat(s.row("4-1").get().support()).isEqualTo(Support.NO);
        assertThat(s.row("4-1").get().detail()).contains("5.9-3");
        ConformanceStatement justified = ConformanceStatement.generate(Fixtures.facts()
                .evidence(Mechanism.RECONNECT_JITTER, Evidence.configured(Mechanism.RECONNECT_JITTER, false, "no jitter"))
                .build(), Fixtures.declarations().justification("5.9-3", "single device per home").build(), CLOCK);
        assertThat(justified.row("5.9-3").get().detail()).contains("single device per home");
        assertThat(justified.row("4-1").get().support()).isEqualTo(Support.YES);
    }

    // ------------------------------------------------------------------ views

    @Test
    void ts103645_thirteenClauses_onlyConfirmedProvisionNumbers() {
        ConformanceStatement s = full();
        assertThat(s.ts103645()).extracting(Ts103645Clause::clause).containsExactly("4.1", "4.2", "4.3", "4.4",
                "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13");
        assertThat(s.ts103645Markdown()).doesNotContainPattern("\\b4\\.(3|4|5|6|7|8|9|10|11|12|13)-\\d");
        assertThat(s.ts103645().get(0).confirmedProvisions()).hasSize(1);
        assertThat(s.ts103645().get(1).confirmedProvisions()).hasSize(3);
        List<String> mapped = new ArrayList<>();
        s.ts103645().forEach(c -> c.rows().forEach(r -> mapped.add(r.reference())));
        assertThat(mapped).hasSize(EnProvision.all().size() - 1).doesNotHaveDuplicates().doesNotContain("4-1");
    }

    @Test
    void tsClauseVerdict_followsItsWorstMandatoryRow() {
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts()
                .evidence(Mechanism.TLS_CHANNEL, Evidence.configured(Mechanism.TLS_CHANNEL, false, "legacy TLS"))
                .build(), Fixtures.declarations().build(), CLOCK);
        assertThat(s.ts103645().get(4).verdict()).isEqualTo(Support.NO);
        assertThat(full().ts103645().get(4).verdict()).isEqualTo(Support.YES);
    }

    @Test
    void psti_statementOfCompliance_producedOnlyWithEveryInput() throws Exception {
        assertThat(full().psti().statementOfCompliance()).contains("DT-100").contains("2031-12-31")
                .contains("Jane Doe");
        assertThatThrownBy(() -> noDeclarations().psti().statementOfCompliance())
                .isInstanceOf(MissingEvidenceException.class)
                .hasMessageContaining("5.2-1").hasMessageContaining("no declarations file");
        ConformanceStatement noAddress = ConformanceStatement.generate(Fixtures.facts().build(),
                Declarations.builder("M", "P", "N", LocalDate.of(2026, 1, 1)).build(), CLOCK);
        assertThatThrownBy(() -> noAddress.psti().statementOfCompliance())
                .isInstanceOf(MissingEvidenceException.class)
                .satisfies(e -> assertThat(((MissingEvidenceException) e).missing())
                        .anyMatch(x -> x.contains("manufacturer.address")));
    }

    @Test
    void cra_everyAnnexIRequirement_manufacturerOnlyOnesNeverSupported() {
        ConformanceStatement s = full();
        assertThat(s.cra().requirements()).extracting(CraAnnexI.Requirement::reference).hasSize(22)
                .startsWith("Part I (1)", "Part I (2)(a)").endsWith("Part II (8)").doesNotHaveDuplicates();
        for (CraAnnexI.Requirement r : s.cra().requirements()) {
            if (r.rows().isEmpty()) {
                assertThat(r.verdict()).as(r.reference()).isEqualTo(Support.NOT_ASSESSED);
                assertThat(r.manufacturerPart()).as(r.reference()).isNotEmpty();
            }
        }
        ConformanceStatement broken = ConformanceStatement.generate(Fixtures.facts()
                .evidence(Mechanism.TLS_CHANNEL, Evidence.configured(Mechanism.TLS_CHANNEL, false, "legacy TLS"))
                .build(), Fixtures.declarations().build(), CLOCK);
        assertThat(broken.cra().requirements().get(5).reference()).isEqualTo("Part I (2)(e)");
        assertThat(broken.cra().requirements().get(5).verdict()).isEqualTo(Support.NO);
    }

    // ------------------------------------------------------------------ golden files

    @Test
    void golden_fullDevice() throws Exception {
        Fixtures.golden("en303645-v2-full.md", full().en303645Markdown());
        Fixtures.golden("ts103645-v1-full.md", full().ts103645Markdown());
        Fixtures.golden("psti-full.md", full().psti().toMarkdown());
        Fixtures.golden("psti-statement-of-compliance.md", full().psti().statementOfCompliance());
        Fixtures.golden("statement-full.json", full().toJson());
        Fixtures.golden("cra-annex-i-full.md", full().cra().toMarkdown());
    }

    @Test
    void golden_constrainedNotUpdateableDevice() throws Exception {
        Fixtures.golden("en303645-v2-constrained.md", constrained().en303645Markdown());
        Fixtures.golden("ts103645-v1-constrained.md", constrained().ts103645Markdown());
    }

    @Test
    void golden_noDeclarations() throws Exception {
        Fixtures.golden("statement-no-declarations.md", noDeclarations().toMarkdown());
    }
}
