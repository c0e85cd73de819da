package io.devsec.tools.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.tools.testing.Cli;
import io.devsec.transport.ReconnectPolicy;
import io.devsec.transport.TlsSettings;
import java.time.Duration;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceCommandTest {
    @TempDir
    static Path shared;
    static Path device;
    static Path batch;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeDeviceAndBatch() throws Exception {
        device = shared.resolve("device");
        try (DeviceSecurity d = DeviceSecurity.builder().dataFolder(device).productName("Test Plug").build()) {
            d.takeInitialPassword().ifPresent(p -> java.util.Arrays.fill(p, '\0'));
        }
        batch = shared.resolve("batch");
        Cli.Run r = Cli.run("provision", "--count", "4", "--out", batch.toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    static EvidenceRun.Outcome run(Seams seams, Path data, Path labels) throws Exception {
        return EvidenceRun.run(data, null, null, "Test Plug", labels, null, seams, Clock.systemUTC());
    }

    static Map<String, String> hashes(Path folder) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(folder.relativize(p).toString(), EvidenceReport.sha256Hex(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    @Test
    void evidence_healthyDevice_noCaseFailsAndTheLiveFolderIsUntouched() throws Exception {
        Map<String, String> before = hashes(device);
        Path out = temp.resolve("report.json");
        Path md = temp.resolve("summary.md");

        Cli.Run r = Cli.run("evidence", "--data", device.toString(), "--batch", batch.toString(), "--out",
                out.toString(), "--summary", md.toString());

        assertThat(hashes(device)).isEqualTo(before);
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        List<String> groups = new ArrayList<>();
        for (JsonNode c : report.get("cases")) {
            groups.add(c.get("group").asText());
            assertThat(c.get("verdict").asText()).as(c.toString()).isNotEqualTo("FAIL");
            assertThat(c.get("case").asText()).isEqualTo(c.get("group").asText() + "-2");
        }
        assertThat(r.exit()).as(r.err() + Files.readString(md)).isZero();
        assertThat(groups).containsExactly("5.1-1", "5.1-2", "5.1-4", "5.1-5", "5.4-1", "5.3-2", "5.3-7", "5.3-9",
                "5.3-10", "5.5-1", "5.6-1", "5.6-2", "5.7-2", "5.9-2", "5.9-3", "5.11-1", "5.11-4", "5.13-1", "6-3");
        for (String g : List.of("5.1-1", "5.1-2", "5.1-4", "5.1-5", "5.3-2", "5.3-9", "5.5-1", "5.6-2", "5.7-2", "5.9-2",
                "5.9-3", "5.11-1", "5.11-4", "5.13-1")) {
            JsonNode c = caseOf(report, g);
            assertThat(c.get("verdict").asText()).as(c.toString()).isEqualTo("PASS");
        }
        assertThat(report.get("deviceId").asText()).startsWith("ds-");
        assertThat(report.get("sdkVersion").asText()).isNotEmpty();
        assertThat(Files.readString(md)).contains("| 5.1-1-2 |", "Verdict");
    }

    static final String PURPOSES_CONFIG = "{\"productName\":\"Test Plug\",\"purposes\":[{\"id\":\"location\","
            + "\"description\":\"room-level location\",\"processors\":[\"Acme Cloud\"],"
            + "\"reason\":\"find the device in the app\"}]}";

    Path purposesConfig() throws Exception {
        Path config = temp.resolve("with-purposes.json");
        Files.writeString(config, PURPOSES_CONFIG);
        return config;
    }

    static EvidenceRun.Outcome run(Seams seams, Path data, Path labels, Path config) throws Exception {
        return EvidenceRun.run(data, config, null, "Test Plug", labels, null, seams, Clock.systemUTC());
    }

    @Test
    void evidence_healthyDevice_passes572And592WithTheirUnits() throws Exception {
        EvidenceRun.Outcome o = run(Seams.sdk(), device, null);

        CaseResult integrity = o.group("5.7-2");
        assertThat(integrity.verdict()).as(integrity.log().toString()).isEqualTo(Verdict.PASS);
        assertThat(integrity.units()).extracting(CaseResult.Unit::id).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(integrity.unit("e").observed()).contains("quarantine topic devices/", "refused");
        CaseResult offline = o.group("5.9-2");
        assertThat(offline.verdict()).as(offline.log().toString()).isEqualTo(Verdict.PASS);
        assertThat(offline.units()).extracting(CaseResult.Unit::id).containsExactly("a", "b", "c", "d");
        assertThat(offline.log()).anySatisfy(l -> assertThat(l).contains("torn record"));
        assertThat(o.group("6-3").verdict()).as("no purposes configured").isEqualTo(Verdict.NOT_APPLICABLE);
    }

    @Test
    void evidence_applicationThatNeverChecksItsSoftware_fails572() throws Exception {
        // A device that does not start the update agent, so nothing checks the running image at start.
        Seams unchecked = Seams.sdk().withUpdateStart((d, settings) -> null);

        EvidenceRun.Outcome o = run(unchecked, device, null);

        CaseResult c = o.group("5.7-2");
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("b").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("c").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("e").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("e").observed()).contains("quarantine topic none", "accepted");
    }

    @Test
    void evidence_outboxOnVolatileStorage_fails592() throws Exception {
        // A device whose outbox lives in RAM (tmpfs): simulated by emptying it whenever the application starts.
        Seams volatileOutbox = Seams.sdk().withStart(d -> {
            Path outbox = d.personalData().folder().getParent().resolve(io.devsec.core.MqttSettings.DEFAULT_OUTBOX_FOLDER);
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> s = Files.walk(outbox)) {
                    s.filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
                }
            }
            return () -> { };
        });

        EvidenceRun.Outcome o = run(volatileOutbox, device, null);

        CaseResult c = o.group("5.9-2");
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("a").verdict()).isEqualTo(Verdict.PASS);
        assertThat(c.unit("b").verdict()).isEqualTo(Verdict.PASS);
        assertThat(c.unit("c").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("c").observed()).contains("messages waiting after reopening: 0");
    }

    @Test
    void evidence_deviceWithConsentPurposes_passes63() throws Exception {
        EvidenceRun.Outcome o = run(Seams.sdk(), device, null, purposesConfig());

        CaseResult c = o.group("6-3");
        assertThat(c.verdict()).as(c.log().toString()).isEqualTo(Verdict.PASS);
        assertThat(c.units()).extracting(CaseResult.Unit::id).containsExactly("a", "b", "c", "d");
        assertThat(c.unit("b").observed()).contains("decision SEND");
    }

    @Test
    void evidence_personalTelemetrySentPastTheConsentGate_fails63() throws Exception {
        // An application that publishes personal telemetry directly instead of through device.personalTelemetry().
        Seams ungated = Seams.sdk().withPersonalSender((d, client, purpose, suffix, payload) -> {
            client.publish(client.namespace().topic(suffix), payload, io.devsec.transport.Qos.AT_LEAST_ONCE);
            return io.devsec.core.privacy.ConsentGate.Decision.SEND;
        });

        EvidenceRun.Outcome o = run(ungated, device, null, purposesConfig());

        CaseResult c = o.group("6-3");
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("a").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("c").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("d").verdict()).isEqualTo(Verdict.FAIL);
    }

    static JsonNode caseOf(JsonNode report, String group) {
        for (JsonNode c : report.get("cases")) {
            if (c.get("group").asText().equals(group)) {
                return c;
            }
        }
        throw new AssertionError("no " + group);
    }

    @Test
    void evidence_batchWithSharedDefaultPassword_fails511And512() throws Exception {
        Path bad = temp.resolve("bad-batch");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("labels.csv"),
                "serial,password\nDS00000001,admin\nDS00000002,admin\nDS00000003,pw-DS00000003\n");

        EvidenceRun.Outcome o = run(Seams.sdk(), device, bad);

        assertThat(o.group("5.1-1").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.1-1").unit("a").observed()).contains("shared, one by 2 devices");
        assertThat(o.group("5.1-2").unit("a").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.1-2").unit("b").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void evidence_updateCheckThatAcceptsAnything_fails53Cases() throws Exception {
        Seams broken = Seams.sdk().withUpdateCheck((root, hw, floor, clock) -> (env, installed) -> { });

        EvidenceRun.Outcome o = run(broken, device, null);

        assertThat(o.group("5.3-9").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.3-9").unit("b").observed()).isEqualTo("accepted");
        assertThat(o.group("5.3-2").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.3-7").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.13-1").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void evidence_legacyTlsAllowed_fails551() throws Exception {
        List<String> suites = new ArrayList<>(TlsSettings.MODERN_CIPHER_SUITES);
        suites.add("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        TlsSettings legacy = TlsSettings.builder().insecureAllowLegacyProtocolsAndSuites()
                .cipherSuites(suites.toArray(new String[0])).build();

        EvidenceRun.Outcome o = run(Seams.sdk().withTls(legacy), device, null);

        CaseResult c = o.group("5.5-1");
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("a").verdict()).isEqualTo(Verdict.PASS);
        assertThat(c.unit("b").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("b").observed()).contains("handshake completed with a legacy suite");
    }

    @Test
    void evidence_wipeThatLeavesPersonalDataInAFile_fails5111() throws Exception {
        Seams leaky = Seams.sdk().withWiper((d, folder) -> {
            byte[] value = d.personalData().get("evidence-marker").orElseThrow();
            Files.write(folder.resolve("app-cache.bin"), value);
            return d.wipePersonalData();
        });

        EvidenceRun.Outcome o = run(leaky, device, null);

        assertThat(o.group("5.11-1").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.11-1").unit("c").observed()).contains("app-cache.bin");
        assertThat(o.group("5.11-4").verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void evidence_applicationThatOpensAListeningSocket_fails561() throws Exception {
        Seams listening = Seams.sdk().withStart(d -> new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));

        EvidenceRun.Outcome o = run(listening, device, null);

        assertThat(o.group("5.6-1").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.6-1").unit("a").observed()).contains("tcp");
    }

    @Test
    void evidence_reconnectWithoutBackoffOrSpread_fails593() throws Exception {
        ReconnectPolicy tight = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
                .maxDelay(Duration.ofMillis(10)).firstConnectJitter(Duration.ZERO).reconnectJitter(Duration.ZERO).build();

        EvidenceRun.Outcome o = run(Seams.sdk().withReconnect(tight), device, null);

        CaseResult c = o.group("5.9-3");
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("a").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("b").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.unit("d").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void evidence_privateKeyPemLeftInTheDataFolder_fails541() throws Exception {
        Path copy = temp.resolve("device-with-pem");
        Twin.copyTree(device, copy);
        Files.writeString(copy.resolve("server.key"),
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");

        EvidenceRun.Outcome o = run(Seams.sdk(), copy, null);

        assertThat(o.group("5.4-1").unit("a").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(o.group("5.4-1").unit("a").observed()).contains("a PEM private key in server.key");
    }

    @Test
    void verifyEvidence_signedReport_validThenTamperedOrOtherKeyOrOtherConfigRefused() throws Exception {
        Path key = temp.resolve("evidence");
        assertThat(Cli.run("keygen", "--algorithm", "ed25519", "--out", key.toString()).exit()).isZero();
        Path other = temp.resolve("other");
        assertThat(Cli.run("keygen", "--algorithm", "ecdsa-p256", "--out", other.toString()).exit()).isZero();
        Path config = temp.resolve("device.json");
        Files.writeString(config, "{\"productName\":\"Test Plug\"}");
        Path out = temp.resolve("report.json");

        Cli.Run r = Cli.run("evidence", "--data", device.toString(), "--config", config.toString(), "--out",
                out.toString(), "--sign-with", key + ".key", "--json");
        assertThat(r.exit()).as(r.err()).isIn(0, 1);
        JsonNode line = new ObjectMapper().readTree(r.out());
        assertThat(line.get("command").asText()).isEqualTo("evidence");
        assertThat(line.get("signed").asBoolean()).isTrue();

        Cli.Run ok = Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub", "--config",
                config.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("valid");

        assertThat(Cli.run("verify-evidence", "--report", out.toString(), "--key", other + ".pub").exit()).isEqualTo(1);
        Path otherConfig = temp.resolve("other.json");
        Files.writeString(otherConfig, "{\"productName\":\"Other\"}");
        assertThat(Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub", "--config",
                otherConfig.toString()).exit()).isEqualTo(1);

        ObjectNode tampered = (ObjectNode) new ObjectMapper().readTree(out.toFile());
        ((ObjectNode) tampered.get("cases").get(0)).put("verdict", "PASS");
        tampered.put("verdict", "PASS");
        ((ObjectNode) tampered.get("cases").get(0).get("units").get(0)).put("observed", "all fine");
        Path bad = temp.resolve("tampered.json");
        Files.write(bad, new ObjectMapper().writeValueAsBytes(tampered));
        Cli.Run t = Cli.run("verify-evidence", "--report", bad.toString(), "--key", key + ".pub", "--json");
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.out()).contains("\"valid\":false", "changed after signing");

        // reformatting (another member order, indentation) keeps the signature valid: canonical bytes
        Path reformatted = temp.resolve("compact.json");
        Files.write(reformatted, new ObjectMapper().writeValueAsBytes(new ObjectMapper().readTree(out.toFile())));
        assertThat(Cli.run("verify-evidence", "--report", reformatted.toString(), "--key", key + ".pub").exit())
                .isZero();
    }

    @Test
    void verifyEvidence_unsignedReport_refused() throws Exception {
        Path key = temp.resolve("k");
        assertThat(Cli.run("keygen", "--algorithm", "ed25519", "--out", key.toString()).exit()).isZero();
        Path out = temp.resolve("report.json");
        Cli.Run r = Cli.run("evidence", "--data", device.toString(), "--out", out.toString(), "--json");
        assertThat(r.err()).contains("not signed");

        Cli.Run v = Cli.run("verify-evidence", "--report", out.toString(), "--key", key + ".pub");

        assertThat(v.exit()).isEqualTo(1);
        assertThat(v.err()).contains("not signed");
    }

    @Test
    void evidence_existingOut_refusedWithoutForce() throws Exception {
        Path out = temp.resolve("report.json");
        Files.writeString(out, "keep", StandardCharsets.UTF_8);

        Cli.Run r = Cli.run("evidence", "--data", device.toString(), "--out", out.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(Files.readString(out)).isEqualTo("keep");
    }
}
