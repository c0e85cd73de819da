package io.devsec.tools.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.JsonOut;
import io.devsec.tools.SignedJson;
import io.devsec.tools.report.ReportCommand;
import io.devsec.update.UnsupportedKeyException;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec verify-evidence --report FILE --key KEY.pub}: checks the signature of an evidence report
 * ({@code devsec evidence}) or of a signed conformance statement ({@code devsec report --sign-with}) and, when given, that the configuration and declarations files are the ones the report was made with.
 */
@Command(name = "verify-evidence", mixinStandardHelpOptions = true,
        description = {"Check the signature of a 'devsec evidence' report or of a signed conformance statement"
                + " ('devsec report --format json --sign-with'), and say which kind it is (and, with"
                + " --config/--declarations, that those files have the SHA-256 it carries).",
            "Exit 0: signature valid (and files match); 1: unsigned, tampered, signed by another key, or a file"
                + " differs; 2: usage error."})
public final class VerifyEvidenceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--report", required = true, paramLabel = "FILE", description = "The evidence report or signed conformance statement.")
    Path report;

    @Option(names = "--key", required = true, paramLabel = "KEY.pub",
            description = "The manufacturer's public key (SubjectPublicKeyInfo PEM, as 'devsec keygen' writes it).")
    Path key;

    @Option(names = "--config", paramLabel = "FILE", description = "Check the configuration file's SHA-256.")
    Path config;

    @Option(names = "--declarations", paramLabel = "FILE", description = "Check the declarations file's SHA-256.")
    Path declarations;

    @Option(names = "--json", description = "Print one JSON line (see docs/cli-json.md).")
    boolean json;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        VerificationKey pub;
        JsonNode r;
        try {
            pub = VerificationKey.fromPem(new String(Files.readAllBytes(key), StandardCharsets.US_ASCII));
        } catch (IOException | UnsupportedKeyException e) {
            throw new CommandLine.ParameterException(cl, "--key " + key + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        String kind = null;
        try {
            r = new ObjectMapper().readTree(Files.readAllBytes(report));
            String schema = r == null ? "" : r.path("schema").asText();
            String payloadType = null;
            if (EvidenceReport.SCHEMA.equals(schema)) {
                kind = "evidence";
                payloadType = EvidenceReport.PAYLOAD_TYPE;
            } else if (ReportCommand.SCHEMA.equals(schema)) {
                kind = "conformance";
                payloadType = ReportCommand.PAYLOAD_TYPE;
            }
            if (r == null || !r.isObject() || payloadType == null) {
                problems.add("not a " + EvidenceReport.SCHEMA + " report nor a signed " + ReportCommand.SCHEMA
                        + " statement");
            } else {
                try {
                    SignedJson.verify(r, payloadType, pub);
                } catch (SignedJson.BadSignatureException e) {
                    problems.add(e.getMessage());
                }
                compare(r.path("inputs").path("config"), config, "configuration", problems);
                compare(r.path("inputs").path("declarations"), declarations, "declarations", problems);
            }
        } catch (IOException e) {
            problems.add("cannot read " + report + ": " + e.getMessage());
            r = null;
        }
        boolean ok = problems.isEmpty();
        if (json) {
            ObjectNode o = JsonOut.result("verify-evidence");
            o.put("valid", ok);
            o.put("keyid", pub.keyId());
            if (kind == null) {
                o.putNull("kind");
            } else {
                o.put("kind", kind);
            }
            if (r != null) {
                o.put("deviceId", r.path("deviceId").asText());
                o.put("sdkVersion", r.path("sdkVersion").asText());
                if (r.has("verdict")) {
                    o.put("verdict", r.path("verdict").asText());
                }
            }
            problems.forEach(o.putArray("problems")::add);
            JsonOut.print(cl.getOut(), o);
        } else if (ok) {
            cl.getOut().println("valid " + ("evidence".equals(kind) ? "evidence report" : "conformance statement")
                    + ": signed by " + pub.algorithm().id() + " key " + pub.keyId() + "; device "
                    + r.path("deviceId").asText() + ", SDK " + r.path("sdkVersion").asText()
                    + ("evidence".equals(kind) ? ", verdict " + r.path("verdict").asText() : ""));
        } else {
            problems.forEach(p -> err.println("devsec verify-evidence: " + p));
        }
        cl.getOut().flush();
        err.flush();
        return ok ? 0 : 1;
    }

    private static void compare(JsonNode recorded, Path file, String what, List<String> problems) throws IOException {
        if (file == null) {
            return;
        }
        if (recorded.isMissingNode() || recorded.isNull()) {
            problems.add("the report was made without a " + what + " file");
            return;
        }
        String actual = SignedJson.sha256Hex(Files.readAllBytes(file));
        if (!actual.equals(recorded.path("sha256").asText())) {
            problems.add("the " + what + " file " + file + " (SHA-256 " + actual + ") is not the one the report was"
                    + " made with (" + recorded.path("sha256").asText() + ")");
        }
    }
}
