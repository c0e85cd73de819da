package io.devsec.core.conformance;

import static io.devsec.core.conformance.Fixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class En303645V3Test {

    /**
     * The 78 references of Table B.1 in ICS_Ruuvi_Gateway.md (ruuvi/ruuvi.gateway_esp.c, cra/303645), typed
     * independently of the production table, with the status the source prints.
     */
    static final String[][] SOURCE_TABLE = {
        {"5.0-1", "M"}, {"5.1-1", "M F (a)"}, {"5.1-2", "M F (b)"}, {"5.1-2A", "R"}, {"5.1-3", "M F (c)"},
        {"5.1-4", "M F (d)"}, {"5.1-5", "M C (14) F (e)"}, {"5.2-1", "M"}, {"5.2-2", "R"}, {"5.2-3", "R"},
        {"5.3-1", "R F (f)"}, {"5.3-2", "M C (15)"}, {"5.3-3", "M F (g)"}, {"5.3-4A", "R F (g)"},
        {"5.3-4B", "R F (h)"}, {"5.3-5", "R F (g)"}, {"5.3-6A", "R F (h)"}, {"5.3-6B", "R F (i)"},
        {"5.3-7", "M F (g)"}, {"5.3-8", "M C (12)"}, {"5.3-9", "R F (g)"}, {"5.3-10", "M F (j)"},
        {"5.3-11", "R C (12)"}, {"5.3-12", "R C (12)"}, {"5.3-13", "M"}, {"5.3-14", "R C (3)"},
        {"5.3-15A", "R C (3)"}, {"5.3-15B", "R C (3)"}, {"5.3-16", "M"}, {"5.4-1", "M F (k)"}, {"5.4-2", "M F (l)"},
        {"5.4-3", "M"}, {"5.4-4", "M F (m)"}, {"5.5-1", "M"}, {"5.5-2", "R"}, {"5.5-3", "R"}, {"5.5-4", "R"},
        {"5.5-5", "M F (n)"}, {"5.5-6", "R F (o)"}, {"5.5-7", "M F (o)"}, {"5.5-8", "M C (16)"}, {"5.6-1", "M F (p)"},
        {"5.6-2", "M"}, {"5.6-3", "R"}, {"5.6-4A", "M F (q)"}, {"5.6-4B", "R F (r)"}, {"5.6-5", "R"}, {"5.6-6", "R"},
        {"5.6-7", "R"}, {"5.6-8", "R"}, {"5.6-9", "R"}, {"5.7-1", "R"}, {"5.7-2", "R F (s)"}, {"5.8-1", "R F (t)"},
        {"5.8-2", "M F (u)"}, {"5.8-3", "M F (v)"}, {"5.9-1", "R"}, {"5.9-2", "R"}, {"5.9-3", "R"},
        {"5.10-1", "R F (w)"}, {"5.11-1", "M"}, {"5.11-2", "R F (x)"}, {"5.11-3", "R"}, {"5.11-4", "R"},
        {"5.12-1", "R"}, {"5.12-2", "R"}, {"5.12-3", "R"}, {"5.13-1A", "M"}, {"5.13-1B", "M"}, {"6-1", "M"},
        {"6-2", "M F (y)"}, {"6-3A", "M F (y)"}, {"6-3B", "M F (y)"}, {"6-4", "R F (w)"}, {"6-5", "M F (w)"},
        {"6-6", "M F (z)"}, {"6-7", "R F (aa)"}, {"6-8", "R F (z)"},
    };

    /** The full device with every V3 feature declared (a smart plug sending personal telemetry). */
    static Declarations.Builder v3Declarations() {
        Declarations.Builder b = Fixtures.declarations();
        for (V3Condition c : V3Condition.values()) {
            b.en303645v3Feature(c, true);
        }
        b.en303645v3Feature(V3Condition.C3, false)
                .en303645v3Feature(V3Condition.P, false)
                .en303645v3Feature(V3Condition.Q, false)
                .en303645v3Feature(V3Condition.R, false)
                .en303645v3Feature(V3Condition.L, false)
                .en303645v3Feature(V3Condition.V, false)
                .en303645v3Feature(V3Condition.AA, false);
        for (String ref : new String[] {"5.1-2A", "5.3-4B", "6-3B", "6-6", "6-8"}) {
            b.provision(ref, true, "manufacturer statement for " + ref);
        }
        return b;
    }

    static ConformanceStatement fullV3() {
        return ConformanceStatement.generate(Fixtures.facts().build(), v3Declarations().build(), CLOCK);
    }

    static Stream<ConformanceStatement> combinations() {
        return Stream.concat(ConformanceStatementTest.combinations(), Stream.of(fullV3(),
                ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(),
                        v3Declarations().build(), CLOCK)));
    }

    // ------------------------------------------------------------------ invariants, as checks that can fail

    static void checkEveryProvisionPresent(En303645V3 v) {
        assertThat(v.rows().stream().map(En303645V3.Row::reference))
                .as("every provision of the V3 Table B.1, once, in order")
                .containsExactlyElementsOf(Arrays.stream(SOURCE_TABLE).map(r -> r[0]).collect(Collectors.toList()));
        for (int i = 0; i < SOURCE_TABLE.length; i++) {
            assertThat(v.rows().get(i).statusCode()).as(SOURCE_TABLE[i][0]).isEqualTo(SOURCE_TABLE[i][1]);
        }
    }

    static void checkNotApplicableOnlyOnConditionalRows(En303645V3 v) {
        for (En303645V3.Row r : v.rows()) {
            if (r.support() == Support.NOT_APPLICABLE) {
                assertThat(r.provision().conditional()).as(r.reference() + " is N/A but unconditional").isTrue();
            }
        }
    }

    /**
     * The SDK mechanisms behind a V3 provision, independent of the V3 table under test: those of the V2.1.1
     * provision with the same number (an A/B split shares its V2 parent's), plus the three new ones DevSec touches.
     */
    static Set<Mechanism> sdkMechanisms(String v3Reference) {
        Set<Mechanism> out = EnumSet.noneOf(Mechanism.class);
        switch (v3Reference) {
            case "5.1-2A": out.add(Mechanism.MUTUAL_TLS); return out;
            case "6-6": out.add(Mechanism.PERSONAL_DATA_WIPE); return out;
            default: break;
        }
        EnProvision.byReference(v3Reference.replaceAll("[AB]$", "")).ifPresent(p -> out.addAll(p.mechanisms()));
        return out;
    }

    static void checkNoMandatoryRowSupportedOnDeclaredAlone(En303645V3 v) {
        for (En303645V3.Row r : v.rows()) {
            if (r.support() != Support.YES || r.status() != ProvisionStatus.MANDATORY) {
                continue;
            }
            for (Mechanism m : sdkMechanisms(r.reference())) {
                if (r.reference().equals("6-3A") && r.detail().contains("Met without a mechanism")) {
                    continue; // V2.1.1 6-3: no consent-based processing, as that row explains
                }
                assertThat(r.evidence()).as(r.reference() + " is Y without observed or configured " + m)
                        .anyMatch(e -> e.subject().equals(m.name()) && e.holds()
                                && (e.evidenceClass() == EvidenceClass.OBSERVED
                                        || e.evidenceClass() == EvidenceClass.CONFIGURED));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void everyV3Provision_presentOnceInOrder_withTheSourcesStatus(ConformanceStatement s) {
        checkEveryProvisionPresent(s.en303645v3());
        assertThat(En303645V3Provision.all()).hasSize(78);
        assertThat(En303645V3Provision.all().stream().filter(p -> p.status() == ProvisionStatus.MANDATORY))
                .hasSize(36);
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void notApplicable_onlyOnConditionalV3Rows(ConformanceStatement s) {
        checkNotApplicableOnlyOnConditionalRows(s.en303645v3());
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void noMandatoryV3Row_supportedOnDeclaredEvidenceAlone_whereTheSdkImplementsIt(ConformanceStatement s) {
        checkNoMandatoryRowSupportedOnDeclaredAlone(s.en303645v3());
    }

    @Test
    void declarationsAlone_neverSupportAMandatoryV3RowTheSdkImplements() {
        En303645V3 v = ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(),
                v3Declarations().build(), CLOCK).en303645v3();
        for (En303645V3.Row r : v.rows()) {
            if (r.status() == ProvisionStatus.MANDATORY && !sdkMechanisms(r.reference()).isEmpty()) {
                assertThat(r.support()).as(r.reference()).isNotEqualTo(Support.YES);
            }
        }
    }

    // ------------------------------------------------------------------ the checks fail on a broken table

    @Test
    void checkEveryProvisionPresent_failsOnATableMissingAProvision() {
        List<En303645V3Provision> broken = new ArrayList<>(En303645V3Provision.all());
        broken.removeIf(p -> p.reference().equals("5.3-15B"));
        En303645V3 v = new En303645V3(fullV3(), Fixtures.facts().build(), broken);
        assertThatThrownBy(() -> checkEveryProvisionPresent(v)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("5.3-15B");
    }

    @Test
    void notApplicable_onAnUnconditionalProvision_isRefused() {
        En303645V3Provision unconditional = En303645V3Provision.byReference("5.4-3").get();
        assertThatThrownBy(() -> new En303645V3.Row(unconditional, Support.NOT_APPLICABLE, "broken",
                Collections.emptyList(), Collections.emptyList()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("5.4-3");
    }

    @Test
    void checkNoMandatoryRowOnDeclaredAlone_failsOnATableThatDropsTheSdkMapping() {
        // 5.5-5 cut loose from V2.1.1 5.5-5 (mutual TLS): decided from the manufacturer statement alone.
        List<En303645V3Provision> broken = new ArrayList<>();
        for (En303645V3Provision p : En303645V3Provision.all()) {
            broken.add(p.reference().equals("5.5-5") ? p.withV2References() : p);
        }
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                v3Declarations().provision("5.5-5", true, "trust us").build(), CLOCK);
        En303645V3 v = new En303645V3(s, Fixtures.facts().build(), broken);
        assertThat(v.row("5.5-5").get().support()).isEqualTo(Support.YES);
        assertThatThrownBy(() -> checkNoMandatoryRowSupportedOnDeclaredAlone(v)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("5.5-5");
    }

    // ------------------------------------------------------------------ rows from evidence

    @Test
    void fullDevice_withV3FeaturesDeclared_everyApplicableRowSupported() {
        En303645V3 v = fullV3().en303645v3();
        assertThat(v.rows()).as(v.toMarkdown())
                .allMatch(r -> r.support() == Support.YES || r.support() == Support.NOT_APPLICABLE);
        assertThat(v.row("5.6-4A").get().support()).isEqualTo(Support.NOT_APPLICABLE);
        assertThat(v.row("6-7").get().support()).isEqualTo(Support.NOT_APPLICABLE);
        assertThat(v.row("5.0-1").get().support()).isEqualTo(Support.YES);
    }

    @ParameterizedTest
    @EnumSource(Mechanism.class)
    void mechanismBroken_turnsTheV3RowsMappedToIt_toNo(Mechanism m) {
        ConformanceStatement broken = ConformanceStatement.generate(Fixtures.facts()
                .evidence(m, Evidence.observed(m, false, m.description() + " BROKEN")).build(),
                v3Declarations().build(), CLOCK);
        En303645V3 before = fullV3().en303645v3();
        En303645V3 after = broken.en303645v3();
        for (En303645V3.Row r : before.rows()) {
            boolean uses = r.provision().v2References().stream()
                    .anyMatch(ref -> EnProvision.byReference(ref).get().mechanisms().contains(m));
            if (uses && r.support() == Support.YES) {
                assertThat(after.row(r.reference()).get().support()).as(r.reference()).isEqualTo(Support.NO);
                assertThat(after.row(r.reference()).get().detail()).as(r.reference()).contains("BROKEN");
            }
        }
    }

    @Test
    void undeclaredFeatureTheSdkCannotSee_leavesTheRowNotAssessed_neverNotApplicable() {
        En303645V3 v = ConformanceStatementTest.full().en303645v3();
        En303645V3.Row r = v.row("5.8-2").get();
        assertThat(r.support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(r.missing()).anyMatch(x -> x.contains("en303645v3Features.sensitivePersonalDataToServices"));
    }

    @Test
    void declaredFeatureAbsent_doesNotHideWhatTheSdkObserves() {
        // Declared: no unused interfaces. Observed: a socket listens. 5.6-1 follows the observation, not N/A.
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().evidence(Mechanism.LISTENING_SOCKETS,
                Evidence.observed(Mechanism.LISTENING_SOCKETS, false, "listens on tcp 0.0.0.0:1883")).build(),
                v3Declarations().en303645v3Feature(V3Condition.P, false).build(), CLOCK);
        En303645V3.Row r = s.en303645v3().row("5.6-1").get();
        assertThat(r.support()).isEqualTo(Support.NO);
        assertThat(r.detail()).contains("1883");
    }

    @Test
    void featureDerivedFromV2Condition_makesRowNotApplicable() {
        // Constrained, not updateable: (g) follows from V2 condition (12) false.
        En303645V3 v = ConformanceStatementTest.constrained().en303645v3();
        assertThat(v.row("5.3-3").get().support()).isEqualTo(Support.NOT_APPLICABLE);
        assertThat(v.row("5.3-3").get().detail()).contains("V2.1.1 condition (12)");
    }

    @Test
    void v3AppliesWhereV2RowIsNotApplicable_isNotAssessed_withTheReason() {
        // V2.1.1 5.6-4 is N/A (debug interface not physically accessible), V3 (q) declared present.
        ConformanceStatement s = ConformanceStatement.generate(Fixtures.facts().build(),
                v3Declarations().en303645v3Feature(V3Condition.Q, true).build(), CLOCK);
        En303645V3.Row r = s.en303645v3().row("5.6-4A").get();
        assertThat(r.support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(r.detail()).contains("N/A under its own condition");
    }

    @Test
    void newRecommendationWithoutStatement_isNotAssessed_andJustificationMakesItNo_and5dash0dash1Follows() {
        ConformanceStatement s = fullV3();
        // 6-7 is N/A with (aa) false; 5.6-4B N/A with (r) false; 5.3-6B maps to V2 5.3-6.
        Declarations.Builder b = v3Declarations().en303645v3Feature(V3Condition.AA, true);
        En303645V3 unjustified = ConformanceStatement.generate(Fixtures.facts().build(), b.build(), CLOCK).en303645v3();
        assertThat(unjustified.row("6-7").get().support()).isEqualTo(Support.NOT_ASSESSED);
        assertThat(unjustified.row("5.0-1").get().support()).isEqualTo(Support.NOT_ASSESSED);
        En303645V3 justified = ConformanceStatement.generate(Fixtures.facts().build(),
                b.justification("6-7", "no aggregate-only processing planned").build(), CLOCK).en303645v3();
        assertThat(justified.row("6-7").get().support()).isEqualTo(Support.NO);
        assertThat(justified.row("5.0-1").get().support()).isEqualTo(Support.YES);
        assertThat(s.en303645v3().row("5.0-1").get().support()).isEqualTo(Support.YES);
    }

    @Test
    void disputedRows_areMarkedUnverified_inTheOutput() {
        En303645V3 v = fullV3().en303645v3();
        assertThat(v.unverified().stream().map(En303645V3.Row::reference)).containsExactly("5.1-2A", "6-6");
        assertThat(v.toMarkdown()).contains("Status or condition unverified: 5.1-2A, 6-6")
                .contains("UNVERIFIED status: ICS_Ruuvi_Gateway.md gives M F (z)");
        assertThat(v.toJson()).contains("\"unverified\"");
    }

    @Test
    void declarationsFile_acceptsV3FeaturesAndReferences_andRefusesUnknownOnes() throws Exception {
        String base = "{\"schemaVersion\":1,\"manufacturer\":{\"name\":\"M\"},\"product\":{\"name\":\"P\"},"
                + "\"declaredBy\":{\"name\":\"D\",\"date\":\"2026-12-01\"},";
        Declarations d = Declarations.parse(in(base + "\"en303645v3Features\":{\"externalSensing\":false},"
                + "\"provisions\":{\"6-6\":{\"met\":true,\"detail\":\"x\"}},\"justifications\":{\"5.3-4B\":\"y\"}}"));
        assertThat(d.en303645v3Feature(V3Condition.V)).contains(false);
        assertThat(d.provision("6-6")).isPresent();
        assertThatThrownBy(() -> Declarations.parse(in(base + "\"en303645v3Features\":{\"bogus\":true}}")))
                .isInstanceOf(DeclarationsException.class).hasMessageContaining("$.en303645v3Features.bogus");
        assertThatThrownBy(() -> Declarations.parse(in(base + "\"provisions\":{\"5.3-4C\":{\"met\":true,"
                + "\"detail\":\"x\"}}}"))).isInstanceOf(DeclarationsException.class);
    }

    private static java.io.InputStream in(String s) {
        return new java.io.ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ golden files

    @Test
    void golden_v3() throws Exception {
        Fixtures.golden("en303645-v3-full.md", fullV3().en303645v3().toMarkdown());
        Fixtures.golden("en303645-v3-full.json", fullV3().en303645v3().toJson());
        Fixtures.golden("en303645-v3-v2-declarations-only.md", ConformanceStatementTest.full().en303645v3().toMarkdown());
        Fixtures.golden("en303645-v3-constrained.md", ConformanceStatementTest.constrained().en303645v3().toMarkdown());
        Fixtures.golden("en303645-v3-no-declarations.md",
                ConformanceStatementTest.noDeclarations().en303645v3().toMarkdown());
    }

    static Set<String> refs(List<En303645V3.Row> rows) {
        return rows.stream().map(En303645V3.Row::reference).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
