package io.devsec.tools.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.tools.DevsecCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** devsec sbom-check: exit 1 with each match, 0 when none, 2 for usage errors and bad files. */
class SbomCheckCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run sbomCheck(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DevsecCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "sbom-check";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = cl.execute(full);
        return new Run(exit, out.toString(), err.toString());
    }

    static final String JACKSON_CVE_2019_12384 = SbomFixtures.JACKSON_CVE_2019_12384;

    /** Log4Shell as OSV lists it: several ranges, a qualifier in "introduced". */
    static final String LOG4SHELL = """
            {
              "id": "GHSA-jfh8-c2jp-5v3q",
              "aliases": ["CVE-2021-44228"],
              "summary": "Remote code injection in Log4j",
              "affected": [
                {
                  "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core",
                              "purl": "pkg:maven/org.apache.logging.log4j/log4j-core"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [
                      {"introduced": "2.13.0"}, {"fixed": "2.15.0"},
                      {"introduced": "2.0-beta9"}, {"fixed": "2.3.1"},
                      {"introduced": "2.4"}, {"fixed": "2.12.2"}]}]
                }
              ]
            }
            """;

    static final String NPM_SEMVER = """
            {
              "id": "OSV-TEST-NPM-1",
              "summary": "Prototype pollution in a made-up npm package",
              "affected": [{
                "package": {"ecosystem": "npm", "name": "@acme/left-pad"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"last_affected": "1.3.0-rc.2"}]}],
                "versions": ["9.9.9"]
              }]
            }
            """;

    static String sbom(String... components) {
        return """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                 "metadata": {"component": {"type": "library", "group": "io.acme", "name": "plug-firmware", "version": "1.0.0",
                              "purl": "pkg:maven/io.acme/plug-firmware@1.0.0?type=jar"}},
                 "components": [%s]}
                """.formatted(String.join(",", components));
    }

    static String maven(String group, String name, String version) {
        return """
                {"type": "library", "group": "%s", "name": "%s", "version": "%s", "purl": "pkg:maven/%s/%s@%s?type=jar"}
                """.formatted(group, name, version, group, name, version);
    }

    Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @Test
    void oldJackson_isAffected_exit1_listsComponentVersionIdSummaryAndFix() throws Exception {
        Path bom = write("bom.json", sbom(maven("com.fasterxml.jackson.core", "jackson-databind", "2.9.8"),
                maven("org.slf4j", "slf4j-api", "2.0.20")));
        Path osv = write("osv.json", JACKSON_CVE_2019_12384);
        Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("AFFECTED com.fasterxml.jackson.core:jackson-databind 2.9.8: GHSA-mph4-vhrx-mv67 (CVE-2019-12384)"
                + " - Deserialization of Untrusted Data in jackson-databind; fixed in 2.9.9.1");
        assertThat(r.out()).contains("1 advisories match 1 of 3 components").doesNotContain("slf4j");
    }

    @Test
    void fixedAndCurrentJackson_notAffected_exit0() throws Exception {
        Path osv = write("osv.json", JACKSON_CVE_2019_12384);
        for (String v : new String[] {"2.9.9.1", "2.9.10", "2.23.0", "1.9.13"}) {
            Path bom = write("bom-" + v + ".json", sbom(maven("com.fasterxml.jackson.core", "jackson-databind", v)));
            Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());
            assertThat(r.exit()).as("jackson-databind %s: %s %s", v, r.out(), r.err()).isZero();
            assertThat(r.out()).contains("No advisory matches any of 2 components (1 advisories checked).");
        }
        Path bom = write("bom-299.json", sbom(maven("com.fasterxml.jackson.core", "jackson-databind", "2.9.9")));
        assertThat(sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString()).exit()).isEqualTo(1);
    }

    @Test
    void log4shell_multipleRanges_qualifiers_purlMatch() throws Exception {
        Path osv = write("osv.json", LOG4SHELL);
        String[][] cases = {{"2.14.1", "1", "2.15.0"}, {"2.0-beta9", "1", "2.3.1"}, {"2.0-beta8", "0", null},
            {"2.3.1", "0", null}, {"2.12.1", "1", "2.12.2"}, {"2.12.2", "0", null}, {"2.15.0", "0", null}, {"2.17.1", "0", null}};
        for (String[] c : cases) {
            Path bom = write("bom.json", sbom(maven("org.apache.logging.log4j", "log4j-core", c[0])));
            Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());
            assertThat(r.exit()).as("log4j-core %s: %s", c[0], r.out()).isEqualTo(Integer.parseInt(c[1]));
            if (c[2] != null) {
                assertThat(r.out()).contains("fixed in " + c[2]);
            }
        }
    }

    @Test
    void advisoryArrayAndFolder_semverRangesAndExplicitVersions_nestedComponents() throws Exception {
        Path folder = dir.resolve("osv");
        write("osv/GHSA-mph4-vhrx-mv67.json", JACKSON_CVE_2019_12384);
        write("osv/npm/array.json", "[" + LOG4SHELL + "," + NPM_SEMVER + "]");
        write("osv/README.txt", "not json, ignored");
        String npm = """
                {"type": "library", "name": "left-pad", "group": "@acme", "version": "1.3.0-rc.1",
                 "purl": "pkg:npm/%40acme/left-pad@1.3.0-rc.1",
                 "components": [{"type": "library", "name": "left-pad", "version": "9.9.9", "purl": "pkg:npm/%40acme/left-pad@9.9.9"},
                                {"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/%40acme/left-pad@1.3.0"}]}
                """;
        Path bom = write("bom.json", sbom(npm, maven("org.apache.logging.log4j", "log4j-core", "2.14.1")));
        Run r = sbomCheck("--sbom", bom.toString(), "--advisories", folder.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("AFFECTED @acme/left-pad 1.3.0-rc.1: OSV-TEST-NPM-1")
                .contains("AFFECTED @acme/left-pad 9.9.9: OSV-TEST-NPM-1")
                .doesNotContain("left-pad 1.3.0:")
                .contains("AFFECTED org.apache.logging.log4j:log4j-core 2.14.1: GHSA-jfh8-c2jp-5v3q")
                .contains("(3 advisories checked)");
    }

    @Test
    void semverRange_nonSemverVersion_reportedUnchecked_notSafe() throws Exception {
        Path osv = write("osv.json", NPM_SEMVER);
        Path bom = write("bom.json", sbom("""
                {"type": "library", "name": "left-pad", "version": "1.0.0.Final", "purl": "pkg:npm/%40acme/left-pad@1.0.0.Final"}
                """));
        Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());
        assertThat(r.err()).contains("UNCHECKED @acme/left-pad 1.0.0.Final against OSV-TEST-NPM-1");
    }

    @Test
    void ecosystemRangeOfAnotherEcosystem_reportedUnchecked_notComparedWithMavenRules() throws Exception {
        // PyPI orders 1.0.dev1 before 1.0 (a development release), so it is affected by "fixed in 1.0"; Maven's
        // rules rank the unknown qualifier "dev" after the release, and the old check called it safe, silently.
        Path osv = write("osv.json", """
                {"id": "OSV-TEST-PYPI-1", "summary": "Made-up PyPI advisory",
                 "affected": [{"package": {"ecosystem": "PyPI", "name": "acme-lib", "purl": "pkg:pypi/acme-lib"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}]}
                """);
        Path bom = write("bom.json", sbom("""
                {"type": "library", "name": "acme-lib", "version": "1.0.dev1", "purl": "pkg:pypi/acme-lib@1.0.dev1"}
                """));

        Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("UNCHECKED acme-lib 1.0.dev1 against OSV-TEST-PYPI-1")
                .contains("ECOSYSTEM range of PyPI is not compared");
    }

    @Test
    void mavenOrder_isMavensOwn() {
        // Cases where a hand-written order easily goes wrong; ComparableVersion is the reference.
        assertThat(MavenVersion.ORDER.compare("1.0-alpha-1", "1.0-alpha1")).isZero();
        assertThat(MavenVersion.ORDER.compare("1.0.0.Final", "1.0.0")).isZero();
        assertThat(MavenVersion.ORDER.compare("2.9.10.8", "2.9.10")).isPositive();
        assertThat(MavenVersion.ORDER.compare("1.0-cr1", "1.0-rc1")).isZero();
    }

    @Test
    void hostileSummary_controlCharactersNeutralised() throws Exception {
        Path osv = write("osv.json", JACKSON_CVE_2019_12384.replace("Deserialization of Untrusted Data",
                "Evil\\u001b[2J\\nFAKE LINE"));
        Path bom = write("bom.json", sbom(maven("com.fasterxml.jackson.core", "jackson-databind", "2.9.8")));
        Run r = sbomCheck("--sbom", bom.toString(), "--advisories", osv.toString());
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\nFAKE LINE");
    }

    @Test
    void usageErrorsAndBadFiles_exit2() throws Exception {
        Path osv = write("osv.json", JACKSON_CVE_2019_12384);
        Path bom = write("bom.json", sbom(maven("org.slf4j", "slf4j-api", "2.0.20")));
        assertThat(sbomCheck("--sbom", bom.toString()).exit()).isEqualTo(2);
        assertThat(sbomCheck("--sbom", dir.resolve("absent.json").toString(), "--advisories", osv.toString()).exit()).isEqualTo(2);
        assertThat(sbomCheck("--sbom", bom.toString(), "--advisories", dir.resolve("absent.json").toString()).exit()).isEqualTo(2);
        String[] bad = {
            "{\"bomFormat\": \"CycloneDX\", \"bomFormat\": \"CycloneDX\", \"components\": []}", // duplicate key
            "{\"bomFormat\": \"CycloneDX\", \"components\": []} {}", // trailing data
            "{\"bomFormat\": \"CycloneDX\", /* comment */ \"components\": []}",
            "{\"bomFormat\": \"SPDX\", \"components\": []}",
            "{\"bomFormat\": \"CycloneDX\", \"components\": {}}",
            "[".repeat(1000) + "]".repeat(1000),
            "",
        };
        for (String b : bad) {
            Path f = write("bad.json", b);
            Run r = sbomCheck("--sbom", f.toString(), "--advisories", osv.toString());
            assertThat(r.exit()).as("SBOM %s", b.length() > 60 ? b.substring(0, 60) : b).isEqualTo(2);
            assertThat(r.err()).contains("bad.json");
        }
        Path badOsv = write("bad-osv.json", "{\"id\": \"X\", \"affected\": {}}");
        assertThat(sbomCheck("--sbom", bom.toString(), "--advisories", badOsv.toString()).exit()).isEqualTo(2);
        Path noId = write("noid-osv.json", "{\"affected\": []}");
        assertThat(sbomCheck("--sbom", bom.toString(), "--advisories", noId.toString()).exit()).isEqualTo(2);
    }
}
