package io.devsec.tools.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.tools.update.SigningKey;
import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evidence report: the cases' results with what identifies the run (SDK version, device id, SHA-256 of the
 * configuration and declarations files), signed by a key the manufacturer chooses. The signature is a DSSE
 * signature (as on update metadata: the pre-authentication encoding of {@link #PAYLOAD_TYPE} and the payload)
 * over the report's canonical bytes: the report without its {@code signature} member, object members sorted by
 * name, no white space, UTF-8. docs/cli-json.md describes the fields.
 */
public final class EvidenceReport {
    /** The DSSE payload type of a signed evidence report. */
    public static final String PAYLOAD_TYPE = "application/vnd.devsec.evidence+json";
    /** The value of the report's {@code schema} member. */
    public static final String SCHEMA = "devsec-evidence/1";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EvidenceReport() {
    }

    /** The SDK version of the devsec-core on the class path. */
    static String sdkVersion() {
        String v = DeviceSecurity.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** An input file's name and SHA-256, or JSON null. */
    static JsonNode fileInput(Path file) throws IOException {
        if (file == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", file.toString());
        o.put("sha256", sha256Hex(Files.readAllBytes(file)));
        return o;
    }

    static String sha256Hex(byte[] b) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
                sb.append(String.format("%02x", x));
            }
            return sb.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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

    /** The canonical bytes the signature covers: the report without "signature", members sorted, compact. */
    static byte[] canonical(JsonNode report) throws IOException {
        JsonNode copy = report.deepCopy();
        if (copy.isObject()) {
            ((ObjectNode) copy).remove("signature");
        }
        return MAPPER.writeValueAsBytes(sorted(copy));
    }

    private static Object sorted(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sorted(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(sorted(x)));
            return l;
        }
        return n;
    }

    /** Signs the report in place: sets its "signature" member. */
    static void sign(ObjectNode report, SigningKey key) throws IOException {
        Envelope.Signature sig = key.signEnvelope(PAYLOAD_TYPE, canonical(report));
        ObjectNode s = report.putObject("signature");
        s.put("payloadType", PAYLOAD_TYPE);
        s.put("algorithm", key.publicKey().algorithm().id());
        s.put("keyid", sig.keyId());
        s.put("sig", Base64.getEncoder().encodeToString(sig.sig()));
    }

    /** Pretty JSON of the report, ending with a line break. */
    static byte[] toBytes(JsonNode report) throws IOException {
        return (MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Why a report's signature does not verify under {@code key}. */
    public static final class BadSignatureException extends Exception {
        private static final long serialVersionUID = 1L;

        BadSignatureException(String message) {
            super(message);
        }
    }

    /**
     * Checks the report's signature against a public key.
     *
     * @param report the parsed report
     * @param key the manufacturer's public key
     * @throws BadSignatureException when it is unsigned, signed by another key, or changed after signing
     * @throws IOException when the report cannot be canonicalised
     */
    public static void verify(JsonNode report, VerificationKey key) throws BadSignatureException, IOException {
        JsonNode s = report.get("signature");
        if (s == null || !s.isObject() || !s.path("sig").isTextual()) {
            throw new BadSignatureException("the report is not signed");
        }
        if (!PAYLOAD_TYPE.equals(s.path("payloadType").asText())) {
            throw new BadSignatureException("signature payloadType is not " + PAYLOAD_TYPE);
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(s.get("sig").asText());
        } catch (IllegalArgumentException e) {
            throw new BadSignatureException("the signature is not base64");
        }
        byte[] pae = Envelope.preAuthenticationEncoding(PAYLOAD_TYPE, canonical(report));
        boolean ok;
        try {
            PublicKey pub;
            Signature v;
            if (key.algorithm() == KeyAlgorithm.ED25519) {
                pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key.subjectPublicKeyInfo()));
                v = Signature.getInstance("Ed25519");
            } else {
                pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.subjectPublicKeyInfo()));
                v = Signature.getInstance("SHA256withECDSA");
            }
            v.initVerify(pub);
            v.update(pae);
            ok = v.verify(sig);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new BadSignatureException(key.keyId().equals(s.path("keyid").asText())
                    ? "the signature does not match the report: it was changed after signing"
                    : "the report is signed by key " + s.path("keyid").asText() + ", not by " + key.keyId()
                            + " (or was changed after signing)");
        }
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
