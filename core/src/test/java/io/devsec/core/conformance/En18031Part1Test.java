package io.devsec.core.conformance;

import static io.devsec.core.conformance.Fixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class En18031Part1Test {

    /** The requirement ids of the project's STANDARDS.md, and only those. */
    static final List<String> IDS = List.of("ACM-1", "ACM-2", "AUM-1-1", "AUM-1-2", "AUM-2", "AUM-3", "AUM-4",
            "AUM-5-1", "AUM-5-2", "AUM-6", "SUM-1", "SUM-2", "SUM-3", "SSM-1", "SSM-2", "SSM-3", "SCM-1", "SCM-2",
            "SCM-3", "SCM-4", "RLM-1", "NMM-1", "TCM-1", "CCK-1", "CCK-2", "CCK-3", "GEC-1", "GEC-2", "GEC-3",
            "GEC-4", "GEC-5", "GEC-6", "CRY-1");

    static java.util.stream.Stream<ConformanceStatement> combinations() {
        return En303645V3Test.combinations();
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void everyListedRequirement_presentOnce_andOnlyThose(ConformanceStatement s) {
        assertThat(s.en18031().requirements().stream().map(En18031Part1.Requirement::id))
                .containsExactlyElementsOf(IDS);
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void manufacturersRequirements_neverPass_andSayWhy(ConformanceStatement s) {
        for (En18031Part1.Requirement r : s.en18031().leftToManufacturer()) {
            assertThat(r.outcome()).as(r.id()).isEqualTo(En18031Part1.Outcome.NOT_ASSESSED);
            assertThat(r.reason()).as(r.id()).startsWith("Left to the manufacturer");
        }
        assertThat(s.en18031().leftToManufacturer().stream().map(En18031Part1.Requirement::id))
                .containsExactly("RLM-1", "NMM-1", "TCM-1", "GEC-4");
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void outcome_followsTheEnRowsItRestsOn(ConformanceStatement s) {
        for (En18031Part1.Requirement r : s.en18031().requirements()) {
            List<Support> supports = r.rows().stream().map(ConformanceStatement.Row::support)
                    .collect(Collectors.toList());
            if (supports.contains(Support.NO)) {
                assertThat(r.outcome()).as(r.id()).isEqualTo(En18031Part1.Outcome.FAIL);
            } else if (r.outcome() == En18031Part1.Outcome.PASS) {
                assertThat(supports).as(r.id()).contains(Support.YES).doesNotContain(Support.NOT_ASSESSED);
            }
        }
    }

    @Test
    void brokenTls_failsTheSecureCommunicationRequirements() {
        ConformanceStatement broken = ConformanceStatement.generate(Fixtures.facts().evidence(Mechanism.TLS_CHANNEL,
                Evidence.observed(Mechanism.TLS_CHANNEL, false, "TLS 1.0 allowed")).build(),
                Fixtures.declarations().build(), CLOCK);
        En18031Part1 ok = ConformanceStatementTest.full().en18031();
        assertThat(ok.requirement("SCM-1").get().outcome()).isEqualTo(En18031Part1.Outcome.PASS);
        assertThat(broken.en18031().requirement("SCM-1").get().outcome()).isEqualTo(En18031Part1.Outcome.FAIL);
        assertThat(broken.en18031().requirement("CRY-1").get().outcome()).isEqualTo(En18031Part1.Outcome.FAIL);
    }

    @Test
    void bareDevice_nothingPasses() {
        En18031Part1 v = ConformanceStatement.generate(ConformanceFacts.builder("Bare", "ds-bare").build(), CLOCK)
                .en18031();
        assertThat(v.requirements()).noneMatch(r -> r.outcome() == En18031Part1.Outcome.PASS);
    }

    @Test
    void output_saysTheDecisionTreeIsDevSecsReading() {
        String md = ConformanceStatementTest.full().en18031().toMarkdown();
        assertThat(md).contains("DevSec's reading, not the standard's text").contains("left to the manufacturer");
        assertThat(ConformanceStatementTest.full().en18031().toJson()).contains("\"leftToManufacturer\" : true");
    }

    @Test
    void golden_en18031() throws Exception {
        Fixtures.golden("en18031-1-full.md", ConformanceStatementTest.full().en18031().toMarkdown());
        Fixtures.golden("en18031-1-constrained.md", ConformanceStatementTest.constrained().en18031().toMarkdown());
        Fixtures.golden("en18031-1-full.json", ConformanceStatementTest.full().en18031().toJson());
    }
}
