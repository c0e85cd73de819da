package io.devsec.tools.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.SignedJson;
import io.devsec.tools.update.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The evidence report: the cases' results with what identifies the run (SDK version, device id, SHA-256 of the
 * configuration and declarations files), signed by a key the manufacturer chooses. The signature is a DSSE
 * signature (as on update metadata: the pre-authentication encoding of {@link #PAYLOAD_TYPE} and the payload)
 * over the report's canonical bytes: the report without its {@code signature} member, object members sorted by
 * name, no white space, UTF-8 ({@link SignedJson}). docs/cli-json.md describes the fields.
 */
public final class EvidenceReport {
    /** The DSSE payload type of a signed evidence report. */
    public static final String PAYLOAD_TYPE = "application/vnd.devsec.evidence+json";
    /** The value of the report's {@code schema} member. */
    public static final String SCHEMA = "devsec-evidence/1";

    private EvidenceReport() {
    }

    static String sdkVersion() {
        return SignedJson.sdkVersion();
    }

    static JsonNode fileInput(Path file) throws IOException {
        return SignedJson.fileInput(file);
    }

    static String sha256Hex(byte[] b) {
        return SignedJson.sha256Hex(b);
    }

    /**
     * The unsigned report.
     *
     * @param outcome the run
     * @param data the device's data folder
     * @param config the configuration file, or null
     * @param declarations the manufacturer's declarations file, or null
     * @param batch the provisioning batch folder, or null
     * @param generatedAt when
     * @return the report object
     */
    static ObjectNode build(EvidenceRun.Outcome outcome, Path data, Path config, Path declarations, Path batch,
            Instant generatedAt) throws IOException {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("schema", SCHEMA);
        r.put("tool", "devsec evidence");
        r.put("sdkVersion", sdkVersion());
        r.put("generatedAt", generatedAt.toString());
        r.put("deviceId", outcome.deviceId());
        r.put("method", "ETSI TS 103 701 functional test cases (X-2) run on a twin (a copy) of the data folder;"
                + " test groups are ETSI EN 303 645 V2.1.1 provisions");
        ObjectNode in = r.putObject("inputs");
        in.put("dataFolder", data.toString());
        in.set("config", fileInput(config));
        in.set("declarations", fileInput(declarations));
        if (batch == null) {
            in.putNull("batch");
        } else {
            in.put("batch", batch.toString());
        }
        Map<Verdict, Integer> counts = counts(outcome.cases());
        ObjectNode s = r.putObject("summary");
        for (Verdict v : Verdict.values()) {
            s.put(v.name(), counts.get(v));
        }
        r.put("verdict", overall(outcome.cases()).name());
        ArrayNode cases = r.putArray("cases");
        for (CaseResult c : outcome.cases()) {
            cases.add(c.toJson());
        }
        return r;
    }

    static Map<Verdict, Integer> counts(List<CaseResult> cases) {
        Map<Verdict, Integer> m = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            m.put(v, 0);
        }
        cases.forEach(c -> m.merge(c.verdict(), 1, Integer::sum));
        return m;
    }

    static Verdict overall(List<CaseResult> cases) {
        Verdict v = Verdict.NOT_APPLICABLE;
        for (CaseResult c : cases) {
            v = Verdict.worst(v, c.verdict());
        }
        return v;
    }

    /** Signs the report in place: sets its "signature" member. */
    static void sign(ObjectNode report, SigningKey key) throws IOException {
        SignedJson.sign(report, PAYLOAD_TYPE, key);
    }

    /** Pretty JSON of the report, ending with a line break. */
    static byte[] toBytes(JsonNode report) throws IOException {
        return SignedJson.toBytes(report);
    }

    /** The Markdown summary for people. */
    static String markdown(JsonNode r, List<CaseResult> cases) {
        StringBuilder sb = new StringBuilder();
        sb.append("# DevSec evidence: functional test cases (ETSI TS 103 701 X-2)\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| Device id | ").append(r.path("deviceId").asText()).append(" |\n");
        sb.append("| SDK version | ").append(r.path("sdkVersion").asText()).append(" |\n");
        sb.append("| Generated at | ").append(r.path("generatedAt").asText()).append(" |\n");
        JsonNode cfg = r.path("inputs").path("config");
        sb.append("| Configuration SHA-256 | ").append(cfg.isNull() ? "none given" : cfg.path("sha256").asText())
                .append(" |\n");
        JsonNode dec = r.path("inputs").path("declarations");
        sb.append("| Declarations SHA-256 | ").append(dec.isNull() ? "none given" : dec.path("sha256").asText())
                .append(" |\n");
        sb.append("| Signed by | ").append(r.has("signature") ? r.path("signature").path("algorithm").asText() + " key "
                + r.path("signature").path("keyid").asText() : "not signed").append(" |\n");
        Map<Verdict, Integer> n = counts(cases);
        sb.append("| Verdict | ").append(overall(cases)).append(" (").append(n.get(Verdict.PASS)).append(" pass, ")
                .append(n.get(Verdict.FAIL)).append(" fail, ").append(n.get(Verdict.INCONCLUSIVE))
                .append(" inconclusive, ").append(n.get(Verdict.NOT_APPLICABLE)).append(" not applicable) |\n\n");
        sb.append("| Case | Provision | Verdict | Units |\n|---|---|---|---|\n");
        for (CaseResult c : cases) {
            StringBuilder u = new StringBuilder();
            for (CaseResult.Unit x : c.units()) {
                if (u.length() > 0) {
                    u.append(", ");
                }
                u.append(x.id()).append(' ').append(x.verdict());
            }
            sb.append("| ").append(c.caseId()).append(" | ").append(c.title()).append(" | ").append(c.verdict())
                    .append(" | ").append(u).append(" |\n");
        }
        sb.append('\n');
        for (CaseResult c : cases) {
            if (c.verdict() == Verdict.FAIL || c.verdict() == Verdict.INCONCLUSIVE) {
                sb.append("- ").append(c.caseId()).append(' ').append(c.verdict()).append(":\n");
                for (CaseResult.Unit x : c.units()) {
                    if (x.verdict() == Verdict.FAIL || x.verdict() == Verdict.INCONCLUSIVE) {
                        sb.append("  - ").append(x.id()).append(" ").append(x.verdict()).append(": ")
                                .append(x.observed().replace('\n', ' ').replace('|', '/')).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
