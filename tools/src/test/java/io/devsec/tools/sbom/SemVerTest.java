package io.devsec.tools.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemVerTest {

    @Test
    void specPrecedenceExample_isAscending() {
        // semver.org, item 11
        List<String> v = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "2.1.0", "2.1.1");
        for (int i = 0; i < v.size(); i++) {
            for (int j = 0; j < v.size(); j++) {
                assertThat(Integer.signum(SemVer.ORDER.compare(v.get(i), v.get(j)))).as("%s vs %s", v.get(i), v.get(j))
                        .isEqualTo(Integer.signum(Integer.compare(i, j)));
            }
        }
    }

    @Test
    void buildMetadataIgnored_vPrefixAndShortFormsAccepted() {
        assertThat(SemVer.ORDER.compare("1.0.0+build.5", "1.0.0")).isZero();
        assertThat(SemVer.ORDER.compare("v1.2.3", "1.2.3")).isZero();
        assertThat(SemVer.ORDER.compare("1.2", "1.2.0")).isZero();
    }

    @Test
    void notSemver_throwsIllegalArgument() {
        assertThatThrownBy(() -> SemVer.ORDER.compare("1.0.0.Final", "1.0.0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SemVer.ORDER.compare("01.2.3", "1.0.0")).isInstanceOf(IllegalArgumentException.class);
    }
}
