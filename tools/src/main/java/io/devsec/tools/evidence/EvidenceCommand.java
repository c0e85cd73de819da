package io.devsec.tools.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.tools.JsonOut;
import io.devsec.tools.Secrets;
import io.devsec.tools.update.SigningKey;
import io.devsec.tools.update.SigningKeyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code devsec evidence}: runs the functional test cases (ETSI TS 103 701 X-2) that software can run on a twin
 * of a device (a temporary copy of its data folder; the folder itself is only read) and writes a signed JSON
 * report plus a Markdown summary. See {@link EvidenceRun} for the cases and docs/cli-json.md for the report.
 */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = {"Run the functional test cases (ETSI TS 103 701 X-2) for EN 303 645 provisions on a twin (a"
                + " temporary copy) of a device's data folder, and write a signed JSON report and a Markdown summary.",
            "Secrets read from standard input, one line each, in this order: keystore passphrase"
                + " (--keystore-passphrase-stdin), device password (--password-stdin), signing key passphrase(s).",
            "Exit 0: report written, no case failed; 1: a case failed (report still written) or the device cannot"
                + " be opened; 2: usage error."})
public final class EvidenceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The device's data folder (copied to a temporary twin; never modified).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "The device's JSON configuration file.")
    Path config;

    @Option(names = "--product", paramLabel = "NAME", defaultValue = "DevSec device",
            description = "Product name the twin is opened with (default: ${DEFAULT-VALUE}); a --config file's"
                    + " productName replaces it.")
    String product;

    @Option(names = "--declarations", paramLabel = "FILE",
            description = "The manufacturer's declarations file: its SHA-256 goes into the report.")
    Path declarations;

    @Option(names = "--batch", paramLabel = "DIR",
            description = "Output folder of 'devsec provision' (labels.csv) for the 5.1-1 and 5.1-2 cases.")
    Path batch;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSON report.")
    Path out;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write the Markdown summary here instead of standard output.")
    Path summary;

    @Option(names = "--force", description = "Replace existing --out and --summary files.")
    boolean force;

    @Option(names = "--json", description = "Print one JSON line (see docs/cli-json.md) instead of the summary.")
    boolean json;

    @Option(names = "--keystore-passphrase-env", paramLabel = "VAR",
            description = "Environment variable holding the keystore passphrase (passphrase-protected device).")
    String keystorePassphraseEnv;

    @Option(names = "--keystore-passphrase-stdin", description = "Read the keystore passphrase from standard input.")
    boolean keystorePassphraseStdin;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Environment variable holding the device's current password. Without it, the twin is"
                    + " factory reset to learn one (the live device is never touched).")
    String passwordEnv;

    @Option(names = "--password-stdin", description = "Read the device's current password from standard input.")
    boolean passwordStdin;

    @Option(names = "--sign-with", paramLabel = "KEY",
            description = "Sign the report with this key: a 'devsec keygen' PKCS#8 file or pkcs11:ALIAS."
                    + " Without it the report is unsigned and verify-evidence refuses it.")
    String signWith;

    @Mixin
    SigningKeyOptions signing = new SigningKeyOptions();

    private final Seams seams;
    private final Clock clock;

    /** The command as the CLI runs it: DevSec's own mechanisms, the system clock. */
    public EvidenceCommand() {
        this(Seams.sdk(), Clock.systemUTC());
    }

    /** Test seam: the mechanisms under test and the clock. */
    EvidenceCommand(Seams seams, Clock clock) {
        this.seams = seams;
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        if (keystorePassphraseEnv != null && keystorePassphraseStdin) {
            throw new CommandLine.ParameterException(cl, "give the keystore passphrase by env or stdin, not both");
        }
        if (passwordEnv != null && passwordStdin) {
            throw new CommandLine.ParameterException(cl, "give the password by --password-env or --password-stdin,"
                    + " not both");
        }
        for (Path p : new Path[] {out, summary}) {
            if (p != null && Files.exists(p) && !force) {
                throw new CommandLine.ParameterException(cl, p + " exists: refusing to overwrite it (use --force)");
            }
        }
        if (!Files.isDirectory(data) || !Files.isRegularFile(data.resolve(DeviceSecurity.KEYSTORE_FILE))) {
            err.println("devsec evidence: no device in " + data + " (no " + DeviceSecurity.KEYSTORE_FILE + ").");
            err.flush();
            return 1;
        }
        if (batch != null && !Files.isRegularFile(batch.resolve("labels.csv"))) {
            throw new CommandLine.ParameterException(cl, "--batch " + batch + " has no labels.csv");
        }
        char[] keystorePassphrase = null;
        char[] password = null;
        try {
            if (keystorePassphraseEnv != null || keystorePassphraseStdin) {
                keystorePassphrase = Secrets.read(cl, "keystore passphrase", keystorePassphraseEnv,
                        keystorePassphraseStdin, false);
            } else if (!Files.isRegularFile(data.resolve(DeviceSecurity.DEVICE_SECRET_FILE))) {
                throw new CommandLine.ParameterException(cl, "no " + DeviceSecurity.DEVICE_SECRET_FILE + " in " + data
                        + ": give the keystore passphrase (--keystore-passphrase-env or --keystore-passphrase-stdin)");
            }
            if (passwordEnv != null || passwordStdin) {
                password = Secrets.read(cl, "device password", passwordEnv, passwordStdin, false);
            }
            SigningKey key = signWith == null ? null
                    : signing.load(cl, Collections.singletonList(signWith)).get(0);
            EvidenceRun.Outcome outcome;
            try {
                outcome = EvidenceRun.run(data, config, keystorePassphrase, product, batch, password, seams, clock);
            } catch (IOException e) {
                err.println("devsec evidence: cannot run on " + data + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            ObjectNode report = EvidenceReport.build(outcome, data, config, declarations, batch, clock.instant());
            if (key != null) {
                EvidenceReport.sign(report, key);
            } else {
                err.println("devsec evidence: warning: the report is not signed (no --sign-with)");
            }
            writeFile(out, EvidenceReport.toBytes(report));
            String md = EvidenceReport.markdown(report, outcome.cases());
            if (summary != null) {
                writeFile(summary, md.getBytes(StandardCharsets.UTF_8));
            }
            Verdict verdict = EvidenceReport.overall(outcome.cases());
            if (json) {
                ObjectNode o = JsonOut.result("evidence");
                o.put("report", out.toString());
                o.put("deviceId", outcome.deviceId());
                o.put("verdict", verdict.name());
                o.put("signed", key != null);
                ObjectNode counts = o.putObject("summary");
                for (Map.Entry<Verdict, Integer> e : EvidenceReport.counts(outcome.cases()).entrySet()) {
                    counts.put(e.getKey().name(), e.getValue());
                }
                List<String> failed = new java.util.ArrayList<>();
                outcome.cases().stream().filter(c -> c.verdict() == Verdict.FAIL).forEach(c -> failed.add(c.caseId()));
                failed.forEach(o.putArray("failed")::add);
                JsonOut.print(cl.getOut(), o);
            } else if (summary == null) {
                cl.getOut().print(md);
            } else {
                cl.getOut().println("wrote " + out + " and " + summary + ": " + verdict);
            }
            cl.getOut().flush();
            err.flush();
            return verdict == Verdict.FAIL ? 1 : 0;
        } finally {
            if (keystorePassphrase != null) {
                Arrays.fill(keystorePassphrase, '\0');
            }
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private void writeFile(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".evidence-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
