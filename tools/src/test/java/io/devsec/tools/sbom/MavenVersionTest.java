package io.devsec.tools.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The orderings of maven-artifact's own ComparableVersionTest, for the cases this comparator supports. */
class MavenVersionTest {

    static final List<String> QUALIFIER_ORDER = List.of("1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2",
            "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123",
            "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123");

    // Maven 3.9's ComparableVersion (the reference since sbom-check uses it) puts "2.0.a" before "2-1",
    // as Maven's own ComparableVersionTest lists them (the hand-written order this replaced had them swapped,
    // and ranked "2.0.0.a" apart from "2.0.a", which Maven treats as equal).
    static final List<String> NUMBER_ORDER = List.of("2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0",
            "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2",
            "11.m11", "11", "11.a", "11b", "11c", "11m");

    static void assertStrictlyAscending(List<String> versions) {
        for (int i = 0; i < versions.size(); i++) {
            for (int j = 0; j < versions.size(); j++) {
                int c = MavenVersion.ORDER.compare(versions.get(i), versions.get(j));
                assertThat(Integer.signum(c)).as("%s vs %s", versions.get(i), versions.get(j))
                        .isEqualTo(Integer.signum(Integer.compare(i, j)));
            }
        }
    }

    @Test
    void qualifiers_orderAsMaven() {
        assertStrictlyAscending(QUALIFIER_ORDER);
    }

    @Test
    void numbers_orderAsMaven() {
        assertStrictlyAscending(NUMBER_ORDER);
    }

    @Test
    void equivalentSpellings_compareEqual() {
        for (List<String> same : List.of(
                List.of("1", "1.0", "1.0.0", "1-0", "1-ga", "1.ga", "1GA", "1-final", "1.0-release", "1-0.0"),
                List.of("1.0-alpha1", "1.0-a1", "1.0-ALPHA-1", "1-alpha-1"),
                List.of("1-beta1", "1-b1", "1-beta-1"),
                List.of("1-rc1", "1-cr1", "1-RC-1"),
                List.of("1.0-SNAPSHOT", "1-snapshot"),
                List.of("2.9.9.1", "2.9.9.1.0"))) {
            for (String v : same) {
                assertThat(MavenVersion.ORDER.compare(same.get(0), v)).as("%s == %s", same.get(0), v).isZero();
            }
        }
    }

    @Test
    void advisoryCases_orderAsExpected() {
        assertThat(MavenVersion.ORDER.compare("2.9.8", "2.9.9.1")).isNegative();
        assertThat(MavenVersion.ORDER.compare("2.9.9", "2.9.9.1")).isNegative();
        assertThat(MavenVersion.ORDER.compare("2.10.0", "2.9.10.8")).isPositive();
        assertThat(MavenVersion.ORDER.compare("2.0-beta9", "2.0")).isNegative();
        assertThat(MavenVersion.ORDER.compare("2.0-rc1", "2.0-beta9")).isPositive();
        assertThat(MavenVersion.ORDER.compare("2.15.0", "2.14.1")).isPositive();
        assertThat(MavenVersion.ORDER.compare("1.0-SNAPSHOT", "1.0-rc1")).isPositive();
        assertThat(MavenVersion.ORDER.compare("1.0-SNAPSHOT", "1.0")).isNegative();
        assertThat(MavenVersion.ORDER.compare("1.0.1", "1.0-sp1")).isPositive();
        assertThat(MavenVersion.ORDER.compare("123456789012345678901234567890", "123456789012345678901234567891")).isNegative();
    }
}
