package io.devsec.tools.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.conformance.EnProvision;
import io.devsec.storage.MasterKeySource;
import io.devsec.tools.testing.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;

    record Run(int code, String out, String err) {}

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReportCommand(env::get, CLOCK));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(Map.of(), args);
    }

    String createDevice(Path folder) throws Exception {
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).productName("Test Plug").build()) {
            return d.deviceId();
        }
    }

    static List<String> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void report_markdown_printsTheStatementOfTheDeviceInTheFolder() throws Exception {
        Path folder = temp.resolve("device");
        String deviceId = createDevice(folder);

        Run r = run("--data", folder.toString(), "--product", "Test Plug");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| Product | Test Plug |", "| Device id | " + deviceId + " |",
                "| Generated at | 2026-03-01T12:00:00Z |", "ETSI EN 303 645 V2.1.1", "ETSI TS 103 645 V1.1.1",
                "UK PSTI", "Mandatory (33): ", "generated from a data folder");
        for (EnProvision p : EnProvision.all()) {
            assertThat(r.out()).contains("| " + p.reference() + " | " + p.statusCode() + " | ");
        }
        // what the data folder shows: the Argon2id hash; the master key file beside the keystore
        assertThat(r.out()).containsPattern("\\| 5\\.1-3 \\| M \\| Y \\| OBSERVED \\|")
                .containsPattern("\\| 5\\.4-1 \\| M \\| N \\| OBSERVED \\|")
                .containsPattern("\\| 5\\.5-1 \\| M \\| NOT ASSESSED \\|");
    }

    @Test
    void report_json_isParseableWithOneRowPerProvision() throws Exception {
        Path folder = temp.resolve("device");
        String deviceId = createDevice(folder);

        Run r = run("--data", folder.toString(), "--format", "json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("deviceId").asText()).isEqualTo(deviceId);
        assertThat(root.get("product").asText()).isEqualTo("DevSec device");
        assertThat(root.get("rows").size()).isEqualTo(EnProvision.all().size());
        assertThat(root.get("rows").get(1).get("reference").asText()).isEqualTo("5.1-1");
        assertThat(root.get("rows").get(1).get("evidence").get(0).get("class").asText()).isEqualTo("OBSERVED");
    }

    @Test
    void report_offline_neverSaysNoForWhatOnlyTheRunningApplicationShows() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);

        Run r = run("--data", folder.toString(), "--format", "json");

        JsonNode root = new ObjectMapper().readTree(r.out());
        for (JsonNode row : root.get("rows")) {
            for (JsonNode e : row.get("evidence")) {
                if (e.get("detail").asText().contains("visible only in the running application")) {
                    assertThat(row.get("support").asText()).as(row.get("reference").asText())
                            .isIn("NOT ASSESSED", "N/A");
                }
            }
        }
        Map<String, String> support = new java.util.HashMap<>();
        root.get("rows").forEach(n -> support.put(n.get("reference").asText(), n.get("support").asText()));
        assertThat(support.get("5.5-1")).isEqualTo("NOT ASSESSED");
        assertThat(support.get("5.6-1")).isEqualTo("NOT ASSESSED");
        assertThat(r.out()).doesNotContain("not configured");
    }

    @Test
    void report_sameRowsAsTheRunningDevice_forWhatTheDataFolderAndDeclarationsShow() throws Exception {
        Path folder = temp.resolve("device");
        Path config = temp.resolve("device.json");
        Files.writeString(config, """
                {"productName": "Acme Sensor",
                 "disclosure": {"contacts": ["mailto:security@acme.example"], "expires": "2027-01-01T00:00:00Z"},
                 "purposes": [{"id": "location", "description": "room-level location",
                               "processors": ["Acme Cloud"], "reason": "find the device in the app"}]}
                """);
        Path declarations = temp.resolve("declarations.json");
        Files.writeString(declarations, DECLARATIONS);
        ConformanceStatement online;
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).configFile(config)
                .declarationsFile(declarations).clock(CLOCK).build()) {
            d.trustedRootStore().save("root envelope".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            online = d.conformanceStatement();
        }

        Run r = run("--data", folder.toString(), "--config", config.toString(), "--declarations",
                declarations.toString(), "--format", "json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("rows").size()).isEqualTo(online.rows().size());
        int same = 0;
        for (int i = 0; i < online.rows().size(); i++) {
            ConformanceStatement.Row on = online.rows().get(i);
            JsonNode off = root.get("rows").get(i);
            assertThat(off.get("reference").asText()).isEqualTo(on.reference());
            boolean processOnly = on.provision().mechanisms().stream()
                    .anyMatch(m -> m.visibility() == io.devsec.core.conformance.Visibility.PROCESS);
            if (on.reference().equals("4-1")) {
                // decided from the other rows: offline it can only be as complete as they are
                assertThat(off.get("support").asText()).as(on.reference()).isIn(on.support().code(), "NOT ASSESSED");
            } else if (!processOnly) {
                assertThat(off.get("support").asText()).as(on.reference()).isEqualTo(on.support().code());
                assertThat(off.get("detail").asText()).as(on.reference()).isEqualTo(on.detail());
                same++;
            } else if (!off.get("support").asText().equals(on.support().code())) {
                assertThat(off.get("support").asText()).as(on.reference()).isEqualTo("NOT ASSESSED");
                assertThat(off.get("detail").asText()).as(on.reference()).contains("running application");
            }
        }
        assertThat(same).isGreaterThan(30);
        // the update channel is seen in the data folder, online and offline alike
        assertThat(online.row("5.3-2").orElseThrow().support().code()).isEqualTo("Y");
        assertThat(root.get("declaredBy").asText()).isEqualTo("Jane Doe (PSIRT lead), 2026-02-01");
    }

    @Test
    void report_refusedDeclarationsFile_exitsOneNamingThePath() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);
        Path declarations = temp.resolve("declarations.json");
        Files.writeString(declarations, DECLARATIONS.replace("\"acknowledgementDays\":5", "\"acknowledgementDays\":\"5\""));

        Run r = run("--data", folder.toString(), "--declarations", declarations.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("declarations file", "$.vulnerabilityHandling.acknowledgementDays");
        assertThat(r.out()).isEmpty();
    }

    static final String DECLARATIONS = "{\"schemaVersion\":1,\"manufacturer\":{\"name\":\"Acme Ltd\","
            + "\"address\":\"1 Example Street\"},\"product\":{\"name\":\"Acme Sensor\",\"model\":\"AS-1\"},"
            + "\"declaredBy\":{\"name\":\"Jane Doe\",\"role\":\"PSIRT lead\",\"date\":\"2026-02-01\"},"
            + "\"conditions\":{\"userAuthentication\":true,\"constrainedDevice\":false,\"updatesOverNetwork\":true},"
            + "\"vulnerabilityHandling\":{\"acknowledgementDays\":5,\"statusUpdateDays\":30},"
            + "\"supportPeriod\":{\"endDate\":\"2031-12-31\",\"endOfLifePolicyUrl\":\"https://example.com/eol\"},"
            + "\"provisions\":{\"5.1-1\":{\"met\":true,\"detail\":\"no other passwords\"},"
            + "\"5.3-2\":{\"met\":true,\"detail\":\"all firmware through DevSec updates\"}}}";

    @Test
    void report_signWith_writesSignedStatementThatVerifyEvidenceAcceptsAndTamperOtherKeyOrDeclarationsRefused()
            throws Exception {
        Path folder = temp.resolve("device");
        String deviceId = createDevice(folder);
        Path config = temp.resolve("device.json");
        Files.writeString(config, "{\"productName\":\"Test Plug\"}");
        Path declarations = temp.resolve("declarations.json");
        Files.writeString(declarations, DECLARATIONS);
        Path key = temp.resolve("stmt");
        assertThat(Cli.run("keygen", "--algorithm", "ed25519", "--out", key.toString()).exit()).isZero();
        Path other = temp.resolve("other");
        assertThat(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", other.toString()).exit()).isZero();
        Path out = temp.resolve("statement.json");

        Cli.Run r = Cli.run("report", "--data", folder.toString(), "--config", config.toString(), "--declarations",
                declarations.toString(), "--format", "json", "--sign-with", key + ".key", "--out", out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertThat(doc.get("schema").asText()).isEqualTo(ReportCommand.SCHEMA);
        assertThat(doc.get("deviceId").asText()).isEqualTo(deviceId);
        assertThat(doc.get("sdkVersion").asText()).isNotEmpty();
        assertThat(doc.get("inputs").get("declarations").get("sha256").asText())
                .isEqualTo(io.devsec.tools.SignedJson.sha256Hex(Files.readAllBytes(declarations)));
        assertThat(doc.get("inputs").get("config").get("sha256").asText()).hasSize(64);
        assertThat(doc.get("signature").get("payloadType").asText()).isEqualTo(ReportCommand.PAYLOAD_TYPE);
        assertThat(doc.get("rows").size()).isPositive();

        Cli.Run ok = Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub", "--config",
                config.toString(), "--declarations", declarations.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("valid conformance statement", deviceId);
        Cli.Run okJson = Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub", "--json");
        assertThat(okJson.exit()).as(okJson.err()).isZero();
        assertThat(new ObjectMapper().readTree(okJson.out()).get("kind").asText()).isEqualTo("conformance");

        // another key
        assertThat(Cli.run("verify-evidence", "--report", out.toString(), "--key", other + ".pub").exit()).isEqualTo(1);
        // another declarations file
        Path otherDeclarations = temp.resolve("other-declarations.json");
        Files.writeString(otherDeclarations, DECLARATIONS.replace("Jane Doe", "John Roe"));
        Cli.Run od = Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub", "--declarations",
                otherDeclarations.toString());
        assertThat(od.exit()).isEqualTo(1);
        assertThat(od.err()).contains("declarations file");
        // tampered: a row's support changed after signing
        ObjectNode tampered = (ObjectNode) doc.deepCopy();
        ((ObjectNode) tampered.get("rows").get(0)).put("support", "Y");
        ((ObjectNode) tampered.get("rows").get(0)).put("detail", "all fine");
        Path bad = temp.resolve("tampered.json");
        Files.write(bad, new ObjectMapper().writeValueAsBytes(tampered));
        Cli.Run t = Cli.run("verify-evidence", "--report", bad.toString(), "--key", key + ".pub");
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.err()).contains("changed after signing");
        // a statement relabelled as evidence (payload type of the other kind) is refused
        ObjectNode relabelled = (ObjectNode) doc.deepCopy();
        relabelled.put("schema", "devsec-evidence/1");
        ((ObjectNode) relabelled.get("signature")).put("payloadType", "application/vnd.devsec.evidence+json");
        Path rel = temp.resolve("relabelled.json");
        Files.write(rel, new ObjectMapper().writeValueAsBytes(relabelled));
        assertThat(Cli.run("verify-evidence", "--report", rel.toString(), "--key", key + ".pub").exit()).isEqualTo(1);
        // --out is not overwritten without --force
        Cli.Run again = Cli.run("report", "--data", folder.toString(), "--format", "json", "--sign-with", key + ".key",
                "--out", out.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("--force");
    }

    @Test
    void report_standardOption_printsTheV3AndEn18031Views_andHelpDocumentsIt() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);

        Run v3 = run("--data", folder.toString(), "--standard", "en303645-v3");
        Run en18031 = run("--data", folder.toString(), "--standard", "en18031-1", "--format", "json");
        Run all = run("--data", folder.toString());
        Run bad = run("--data", folder.toString(), "--standard", "en303645-v4");
        Run help = run("--help");

        assertThat(v3.code()).as(v3.err()).isZero();
        assertThat(v3.out()).startsWith("## ETSI EN 303 645 V3.1.3").contains("| 5.0-1 | M |", "| 5.1-2A | R |",
                "| 6-8 | R F (z) |", "Status or condition unverified: 5.1-2A, 6-6")
                .doesNotContain("EN 303 645 V2.1.1 (2020-06), Table B.1");
        assertThat(en18031.code()).as(en18031.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(en18031.out());
        assertThat(root.get("requirements").size()).isEqualTo(33);
        assertThat(root.get("note").asText()).contains("DevSec's reading");
        assertThat(all.out()).contains("ETSI EN 303 645 V2.1.1 (2020-06), Table B.1", "ETSI EN 303 645 V3.1.3",
                "EN 18031-1:2024");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--standard must be one of");
        assertThat(help.out()).contains("--standard", "en303645-v3", "en18031-1");
    }

    @Test
    void report_signWithMarkdown_usageError() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);
        Path key = temp.resolve("stmt");
        assertThat(Cli.run("keygen", "--algorithm", "ed25519", "--out", key.toString()).exit()).isZero();

        Cli.Run r = Cli.run("report", "--data", folder.toString(), "--sign-with", key + ".key");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--format json");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void report_requireMandatory_exitsOneWhenAMandatoryProvisionIsNotMetOrNotAssessed() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);

        Run r = run("--data", folder.toString(), "--require-mandatory");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Mandatory provisions not assessed: ");
        assertThat(r.err()).contains("mandatory provision(s) not met").contains("not assessed");
    }

    @Test
    void report_folderWithoutDevice_exitsOneAndCreatesNothing() throws Exception {
        Path folder = Files.createDirectory(temp.resolve("empty"));

        Run r = run("--data", folder.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no device in", DeviceSecurity.KEYSTORE_FILE);
        assertThat(r.out()).isEmpty();
        assertThat(list(folder)).isEmpty();
    }

    @Test
    void report_missingFolder_exitsOneAndCreatesNothing() {
        Path folder = temp.resolve("absent");

        Run r = run("--data", folder.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a folder");
        assertThat(Files.exists(folder)).isFalse();
    }

    @Test
    void report_passphraseDevice_opensWithThePassphraseFromTheEnvironment() throws Exception {
        Path folder = temp.resolve("device");
        String deviceId;
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).productName("P")
                .masterKeySource(MasterKeySource.passphrase("correct horse battery staple".toCharArray())).build()) {
            deviceId = d.deviceId();
        }

        Run r = run(Map.of("DEVSEC_PASS", "correct horse battery staple"),
                "--data", folder.toString(), "--passphrase-env", "DEVSEC_PASS");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(deviceId).containsPattern("\\| 5\\.1-3 \\| M \\| Y \\| OBSERVED \\|");
    }

    @Test
    void report_passphraseDevice_opensWithThePassphraseFromStandardInput() throws Exception {
        Path folder = temp.resolve("device");
        String deviceId;
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).productName("P")
                .masterKeySource(MasterKeySource.passphrase("correct horse battery staple".toCharArray())).build()) {
            deviceId = d.deviceId();
        }
        java.io.InputStream oldIn = System.in;
        Run r;
        try {
            System.setIn(new java.io.ByteArrayInputStream("correct horse battery staple\n".getBytes()));
            r = run("--data", folder.toString(), "--passphrase-stdin");
        } finally {
            System.setIn(oldIn);
        }

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(deviceId).containsPattern("\\| 5\\.1-3 \\| M \\| Y \\| OBSERVED \\|");
    }

    @Test
    void report_passphraseDeviceWithoutPassphrase_exitsOneWithoutWritingADeviceSecret() throws Exception {
        Path folder = temp.resolve("device");
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).productName("P")
                .masterKeySource(MasterKeySource.passphrase("correct horse battery staple".toCharArray())).build()) {
            d.deviceId();
        }
        List<String> before = list(folder);

        Run r = run("--data", folder.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--passphrase-env");
        assertThat(list(folder)).isEqualTo(before).doesNotContain(DeviceSecurity.DEVICE_SECRET_FILE);
    }

    @Test
    void report_wrongPassphrase_exitsOneWithoutTheSecretInTheMessage() throws Exception {
        Path folder = temp.resolve("device");
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(folder).productName("P")
                .masterKeySource(MasterKeySource.passphrase("correct horse battery staple".toCharArray())).build()) {
            d.deviceId();
        }

        Run r = run(Map.of("DEVSEC_PASS", "wrong wrong wrong wrong"),
                "--data", folder.toString(), "--passphrase-env", "DEVSEC_PASS");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot open the device").doesNotContain("wrong wrong");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void report_unsetPassphraseVariable_exitsOne() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);

        Run r = run("--data", folder.toString(), "--passphrase-env", "NOT_SET_ANYWHERE");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("NOT_SET_ANYWHERE", "not set");
    }

    @Test
    void report_withConfigFile_showsDisclosureAndConsentFromIt() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);
        Path config = temp.resolve("device.json");
        Files.writeString(config, """
                {"productName": "Acme Sensor",
                 "disclosure": {"contacts": ["mailto:security@acme.example"], "expires": "2027-01-01T00:00:00Z",
                                "policy": "https://acme.example/security"},
                 "purposes": [{"id": "location", "description": "room-level location",
                               "processors": ["Acme Cloud"], "reason": "find the device in the app"}]}
                """);

        Run r = run("--data", folder.toString(), "--config", config.toString(), "--format", "json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("product").asText()).isEqualTo("Acme Sensor");
        Map<String, JsonNode> rows = new java.util.HashMap<>();
        root.get("rows").forEach(n -> rows.put(n.get("reference").asText(), n));
        assertThat(rows.get("5.2-1").get("detail").asText()).contains("mailto:security@acme.example");
        assertThat(rows.get("5.2-1").get("evidence").get(0).get("class").asText()).isEqualTo("CONFIGURED");
        for (String ref : List.of("6-1", "6-3")) {
            assertThat(rows.get(ref).get("detail").asText()).as(ref).contains("location");
        }
    }

    @Test
    void report_refusedConfigFile_exitsOneNamingIt() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);
        Path config = temp.resolve("device.json");
        Files.writeString(config, "{\"productName\": \"X\", \"unknownField\": 1}");

        Run r = run("--data", folder.toString(), "--config", config.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("configuration file", "refused");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void cli_registersTheReportCommand() {
        assertThat(new CommandLine(new io.devsec.tools.DevsecCli()).getSubcommands()).containsKey("report");
        assertThat(io.devsec.tools.DevsecCli.run("report", "--data", temp.resolve("none").toString())).isEqualTo(1);
    }
}
