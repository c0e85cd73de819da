package io.devsec.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.tools.testing.Cli;
import io.devsec.tools.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --json on verify, sbom-check and bench: one JSON object on stdout, with the fields docs/cli-json.md lists. */
class JsonOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    String p(String name) {
        return dir.resolve(name).toString();
    }

    static JsonNode single(Run r) throws Exception {
        assertThat(r.out().lines().toList()).as(r.out()).hasSize(1);
        return JSON.readTree(r.out());
    }

    @Test
    void verify_json_validAndInvalidUpdates() throws Exception {
        assertThat(Cli.run("keygen", "--algorithm", "ed25519", "--out", p("k")).exit()).isZero();
        assertThat(Cli.run("root", "create", "--key", p("k.pub"), "--threshold", "1", "--update-key", p("k.pub"),
                "--update-threshold", "1", "--expires", "2099-01-31T00:00:00Z", "--sign-with", p("k.key"), "--out",
                p("root.json")).exit()).isZero();
        Files.write(dir.resolve("fw.bin"), new byte[1000]);
        assertThat(Cli.run("sign", "--root", p("root.json"), "--image", p("fw.bin"), "--version", "4",
                "--hardware-id", "hw-1", "--expires", "2099-01-31T00:00:00Z", "--security", "--sign-with", p("k.key"),
                "--out", p("fw.json")).exit()).isZero();

        Run ok = Cli.run("verify", "--root", p("root.json"), "--metadata", p("fw.json"), "--image", p("fw.bin"), "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode j = single(ok);
        assertThat(j.get("command").asText()).isEqualTo("verify");
        assertThat(j.get("valid").asBoolean()).isTrue();
        assertThat(j.get("version").asLong()).isEqualTo(4);
        assertThat(j.get("hardwareId").asText()).isEqualTo("hw-1");
        assertThat(j.get("rootVersion").asLong()).isEqualTo(1);
        assertThat(j.get("securityUpdate").asBoolean()).isTrue();
        assertThat(j.get("imageLength").asLong()).isEqualTo(1000);
        assertThat(j.get("imageSha256").asText()).hasSize(64);

        Files.write(dir.resolve("fw.bin"), new byte[1001]);
        Run bad = Cli.run("verify", "--root", p("root.json"), "--metadata", p("fw.json"), "--image", p("fw.bin"), "--json");
        assertThat(bad.exit()).isEqualTo(1);
        JsonNode b = single(bad);
        assertThat(b.get("valid").asBoolean()).isFalse();
        assertThat(b.get("error").asText()).isEqualTo("ImageLengthException");
        assertThat(b.get("message").asText()).isNotEmpty();
        assertThat(bad.err().lines().toList()).hasSize(1);
    }

    @Test
    void sbomCheck_json_listsAffectedComponents() throws Exception {
        Files.writeString(dir.resolve("bom.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                  {"type": "library", "group": "com.fasterxml.jackson.core", "name": "jackson-databind", "version": "2.9.8",
                   "purl": "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8"},
                  {"type": "library", "group": "org.slf4j", "name": "slf4j-api", "version": "2.0.20",
                   "purl": "pkg:maven/org.slf4j/slf4j-api@2.0.20"}]}
                """);
        Files.writeString(dir.resolve("osv.json"), io.devsec.tools.sbom.SbomFixtures.JACKSON_CVE_2019_12384);

        Run r = Cli.run("sbom-check", "--sbom", p("bom.json"), "--advisories", p("osv.json"), "--json");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode j = single(r);
        assertThat(j.get("command").asText()).isEqualTo("sbom-check");
        assertThat(j.get("components").asInt()).isEqualTo(2);
        assertThat(j.get("advisories").asInt()).isEqualTo(1);
        assertThat(j.get("affectedCount").asInt()).isEqualTo(1);
        JsonNode a = j.get("affected").get(0);
        assertThat(a.get("component").asText()).contains("jackson-databind");
        assertThat(a.get("version").asText()).isEqualTo("2.9.8");
        assertThat(a.get("advisory").asText()).isEqualTo("GHSA-mph4-vhrx-mv67");
        assertThat(a.get("aliases").get(0).asText()).isEqualTo("CVE-2019-12384");
        assertThat(a.get("fixedVersion").asText()).isEqualTo("2.9.9.1");
        assertThat(j.get("unchecked")).isEmpty();
    }

    @Test
    void benchKeystore_json_tinyRun_hasMetricsRatiosAndRun() throws Exception {
        Run r = Cli.run("bench", "keystore", "--entries", "50", "--get-iterations", "1000", "--put-iterations", "10",
                "--dir", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = single(r);
        assertThat(j.get("command").asText()).isEqualTo("bench keystore");
        assertThat(j.get("run").get("date").asText()).isNotEmpty();
        assertThat(j.get("run").get("cpus").asInt()).isPositive();
        assertThat(j.get("metrics").get("getMedianNanos").asDouble()).isPositive();
        assertThat(j.get("ratios").get(0).get("name").asText()).isEqualTo("get/rawDecrypt");
        assertThat(j.get("ratios").get(0).has("met")).isTrue();
        assertThat(r.err()).contains("ratio get / raw decrypt");
    }

    @Test
    void benchUpdate_json_tinyRun() throws Exception {
        Run r = Cli.run("bench", "update", "--size-mib", "2", "--runs", "1", "--dir", p("b"), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = single(r);
        assertThat(j.get("command").asText()).isEqualTo("bench update");
        assertThat(j.get("metrics").get("devsecVerifyGBps").asDouble()).isPositive();
    }
}
