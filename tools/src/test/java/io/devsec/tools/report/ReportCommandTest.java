package io.devsec.tools.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.conformance.Provision;
import io.devsec.storage.MasterKeySource;
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
                "| Generated at | 2026-03-01T12:00:00Z |", "ETSI TS 103 645 V1.1.1",
                "Mandatory supported: ", "Recommended supported: ");
        for (Provision p : Provision.all()) {
            assertThat(r.out()).contains("| " + p.reference() + " | ");
        }
        // what a freshly built device already provides: unique password and encrypted keystore
        assertThat(r.out()).containsPattern("\\| 4\\.1-1 \\| [^\\n]*\\| M \\| Y \\|")
                .containsPattern("\\| 4\\.4-1 \\| [^\\n]*\\| M \\| Y \\|")
                .containsPattern("\\| 4\\.3-1 \\| [^\\n]*\\| R \\| N \\|");
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
        assertThat(root.get("rows").size()).isEqualTo(Provision.all().size());
        assertThat(root.get("rows").get(0).get("reference").asText()).isEqualTo("4.1-1");
        assertThat(root.get("rows").get(0).get("support").asText()).isEqualTo("Y");
    }

    @Test
    void report_requireMandatory_exitsOneWhenAMandatoryProvisionIsNotMet() throws Exception {
        Path folder = temp.resolve("device");
        createDevice(folder);

        Run r = run("--data", folder.toString(), "--require-mandatory");

        // a device opened from its folder has no disclosure policy or consent purposes configured
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Mandatory provisions not met: ");
        assertThat(r.err()).contains("mandatory provision(s) not met");
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
        assertThat(r.out()).contains(deviceId).contains("PASSPHRASE");
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
        assertThat(r.out()).contains(deviceId).contains("PASSPHRASE");
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
        assertThat(rows.get("4.2-1").get("support").asText()).isEqualTo("Y");
        assertThat(rows.get("4.2-1").get("detail").asText()).contains("mailto:security@acme.example");
        assertThat(rows.get("4.2-2").get("detail").asText()).contains("https://acme.example/security");
        for (String ref : List.of("4.8-1", "4.8-2", "4.8-3")) {
            assertThat(rows.get(ref).get("support").asText()).as(ref).isEqualTo("Y");
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
