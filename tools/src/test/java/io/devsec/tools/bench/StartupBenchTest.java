package io.devsec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.tools.testing.ChildJvm;
import io.devsec.tools.testing.Cli;
import org.junit.jupiter.api.Test;

/** devsec bench startup runs end to end with one run each (no timing asserted: the machine is shared). */
class StartupBenchTest {
    @Test
    void benchStartup_oneRun_reportsWallTimesAndClassesLoadedByBuild() throws Exception {
        Cli.Run r = Cli.run("bench", "startup", "--runs", "1", "--classpath", ChildJvm.classPath(), "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("command").asText()).isEqualTo("bench startup");
        JsonNode m = j.get("metrics");
        assertThat(m.get("bareMedianMillis").asDouble()).isPositive();
        assertThat(m.get("startupMedianMillis").asDouble()).isPositive();
        // build() loads classes of its own beyond the bare JVM's; the count is the one targeted (<= 1200).
        assertThat(m.get("buildClassesLoaded").asInt()).isPositive();
        assertThat(m.get("processClassesLoaded").asInt()).isGreaterThan(m.get("bareClassesLoaded").asInt());
        assertThat(r.err()).contains("classes loaded during build()").contains("ratio build process / bare JVM");
    }
}
