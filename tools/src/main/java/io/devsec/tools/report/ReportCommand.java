package io.devsec.tools.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.DeviceSecurity;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.conformance.Declarations;
import io.devsec.core.conformance.DeclarationsException;
import io.devsec.core.validation.ValidationException;
import io.devsec.storage.MasterKeySource;
import io.devsec.tools.SignedJson;
import io.devsec.tools.update.SigningKey;
import io.devsec.tools.update.SigningKeyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec report}: prints the conformance statement (EN 303 645 V2.1.1 Table B.1 with the TS 103 645
 * V1.1.1 and UK PSTI views) of the device whose data folder is given, as Markdown or JSON.
 *
 * <p>Opens the existing device with its master key (the device secret file in the folder by default, or a
 * passphrase from an environment variable) and never creates one: a folder without a keystore is an error.
 * The rows come from the same evidence and rules as {@code DeviceSecurity.conformanceStatement()} of the running
 * device, with the same configuration file and declarations: what the data folder shows (keystore entries, the
 * trusted update root, file permissions) is the same; what only the running application can show (MQTT and TLS
 * sessions, the update schedule, exporters, sockets and user of its process) is NOT ASSESSED with that reason,
 * never N.
 *
 * <p>With {@code --format json --sign-with KEY} the statement is signed like the evidence report ({@link SignedJson},
 * payload type {@link #PAYLOAD_TYPE}) and carries {@code schema}, {@code sdkVersion} and the SHA-256 of the
 * configuration and declarations files; {@code devsec verify-evidence} checks it.
 *
 * <p>Exit 0 when printed (and, with {@code --require-mandatory}, every mandatory provision is met); 1 when the
 * device cannot be opened or, with {@code --require-mandatory}, a mandatory provision is not met or not assessed;
 * 2 on a usage
 * error.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Print the conformance statement (EN 303 645 V2.1.1 Table B.1, TS 103 645 V1.1.1 by clause, UK"
                + " PSTI, CRA Annex I, EN 303 645 V3.1.3 Table B.1, EN 18031-1) of a device's data folder; run-time-only"
                + " mechanisms are NOT ASSESSED offline.",
            "--standard prints one view: en303645-v2, en303645-v3, ts103645, psti, cra or en18031-1 (default: all).",
            "With --format json --sign-with KEY the statement is signed and carries the SDK version, the device id and"
                + " the SHA-256 of --config and --declarations; 'devsec verify-evidence' checks it.",
            "Secrets read from standard input, one line each, in this order: keystore passphrase"
                + " (--passphrase-stdin), token PIN (--pin-stdin), signing key passphrase (--sign-passphrase-stdin).",
            "Exit 0: printed; 1: no device in the folder, it cannot be opened, or (--require-mandatory) a mandatory"
                    + " provision is not met; 2: usage error."})
public final class ReportCommand implements Callable<Integer> {

    /** The DSSE payload type of a signed conformance statement. */
    public static final String PAYLOAD_TYPE = "application/vnd.devsec.conformance+json";
    /** The value of a signed statement's {@code schema} member. */
    public static final String SCHEMA = "devsec-conformance/1";

    /** Output formats. */
    enum Format { markdown, json }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The device's data folder.")
    Path data;

    @Option(names = "--product", paramLabel = "NAME", defaultValue = "DevSec device",
            description = "Product name for the header (default: ${DEFAULT-VALUE}); a --config file's productName"
                    + " replaces it.")
    String product;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
            description = "markdown or json (default: ${DEFAULT-VALUE}).")
    Format format;

    /** The values of {@code --standard}. */
    static final java.util.List<String> STANDARDS = java.util.Arrays.asList("all", "en303645-v2", "en303645-v3",
            "ts103645", "psti", "cra", "en18031-1");

    @Option(names = "--standard", paramLabel = "STANDARD", defaultValue = "all",
            description = "Which view to print: all (default), en303645-v2 (EN 303 645 V2.1.1 Table B.1), en303645-v3"
                    + " (EN 303 645 V3.1.3 Table B.1, statuses as stated in a published V3 ICS, disputed rows marked"
                    + " UNVERIFIED), ts103645 (TS 103 645 V1.1.1 by clause), psti (UK PSTI), cra (CRA Annex I),"
                    + " en18031-1 (EN 18031-1 outcome per requirement, DevSec's reading of the decision trees). With"
                    + " --format json only all (the signable statement), en303645-v3 and en18031-1 are available.")
    String standard;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The device's JSON configuration file (product name, disclosure policy, consent purposes),"
                    + " as the device application passes it to DeviceSecurity.Builder.configFile.")
    Path config;

    @Option(names = "--declarations", paramLabel = "FILE",
            description = "The manufacturer's declarations file (JSON, schema declarations.schema.json), as the"
                    + " device application passes it to DeviceSecurity.Builder.declarationsFile.")
    Path declarations;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Environment variable holding the keystore passphrase (for a passphrase-protected device).")
    String passphraseEnv;

    @Option(names = "--passphrase-stdin",
            description = "Read the keystore passphrase from the first line of standard input. Without either"
                    + " option, a passphrase-protected device's passphrase is asked on the terminal.")
    boolean passphraseStdin;

    @Option(names = "--require-mandatory",
            description = "Exit 1 after printing when a mandatory provision is not met or not assessed.")
    boolean requireMandatory;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the statement to FILE instead of standard output.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out file.")
    boolean force;

    @Option(names = "--sign-with", paramLabel = "KEY",
            description = "Sign the JSON statement (needs --format json) with this key: a 'devsec keygen' PKCS#8 file"
                    + " or pkcs11:ALIAS. 'devsec verify-evidence' checks the signature.")
    String signWith;

    @Option(names = "--sign-passphrase-env", paramLabel = "VAR",
            description = "Environment variable holding the passphrase of an encrypted --sign-with key file.")
    String signPassphraseEnv;

    @Option(names = "--sign-passphrase-stdin",
            description = "Read the passphrase of an encrypted --sign-with key file from standard input. Without"
                    + " either option, a terminal prompt asks.")
    boolean signPassphraseStdin;

    @Option(names = "--pkcs11-config", paramLabel = "FILE",
            description = "SunPKCS11 configuration of the token holding a --sign-with pkcs11:ALIAS key.")
    Path pkcs11Config;

    @Option(names = "--pin-env", paramLabel = "VAR", description = "Environment variable holding the token's PIN.")
    String pinEnv;

    @Option(names = "--pin-stdin", description = "Read the token's PIN from standard input.")
    boolean pinStdin;

    private final Function<String, String> environment;
    private final Clock clock;

    /** The command as the CLI runs it: the process environment and the system clock. */
    public ReportCommand() {
        this(System::getenv, Clock.systemUTC());
    }

    /** Test seam: environment lookup and clock. */
    ReportCommand(Function<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return report(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private ConformanceStatement statement(io.devsec.core.conformance.ConformanceFacts facts, Declarations declared) {
        return declared == null ? ConformanceStatement.generate(facts, clock)
                : ConformanceStatement.generate(facts, declared, clock);
    }

    /** The chosen view in the chosen format. */
    private String render(ConformanceStatement statement) {
        boolean json = format == Format.json;
        switch (standard) {
            case "en303645-v2": return statement.en303645Markdown();
            case "en303645-v3": return json ? statement.en303645v3().toJson() : statement.en303645v3().toMarkdown();
            case "ts103645": return statement.ts103645Markdown();
            case "psti": return statement.psti().toMarkdown();
            case "cra": return statement.cra().toMarkdown();
            case "en18031-1": return json ? statement.en18031().toJson() : statement.en18031().toMarkdown();
            default:
                // The whole statement, exactly as device.conformanceStatement() renders it (every view included).
                return json ? statement.toJson() : statement.toMarkdown();
        }
    }

    private int report(PrintWriter out, PrintWriter err) {
        CommandLine cl = spec.commandLine();
        if (signWith != null && format != Format.json) {
            throw new CommandLine.ParameterException(cl, "--sign-with signs the JSON statement: add --format json"
                    + " (a Markdown statement cannot be signed)");
        }
        if (!STANDARDS.contains(standard)) {
            throw new CommandLine.ParameterException(cl, "--standard must be one of " + String.join(", ", STANDARDS)
                    + ", not '" + standard + "'");
        }
        if (format == Format.json && !standard.equals("all") && !standard.equals("en303645-v3")
                && !standard.equals("en18031-1")) {
            throw new CommandLine.ParameterException(cl, "--format json with --standard " + standard
                    + " is not available: use all (the whole statement), en303645-v3 or en18031-1");
        }
        if (signWith != null && !standard.equals("all")) {
            throw new CommandLine.ParameterException(cl, "--sign-with signs the whole statement: drop --standard");
        }
        if (signWith == null && (signPassphraseEnv != null || signPassphraseStdin || pkcs11Config != null
                || pinEnv != null || pinStdin)) {
            throw new CommandLine.ParameterException(cl, "--sign-passphrase-*, --pkcs11-config and --pin-* need"
                    + " --sign-with");
        }
        if (this.out != null && Files.exists(this.out) && !force) {
            throw new CommandLine.ParameterException(cl, this.out + " exists: refusing to overwrite it (use --force)");
        }
        if (!Files.isDirectory(data)) {
            err.println("devsec report: " + data + " is not a folder.");
            return 1;
        }
        if (!Files.isRegularFile(data.resolve(DeviceSecurity.KEYSTORE_FILE))) {
            err.println("devsec report: no device in " + data + " (no " + DeviceSecurity.KEYSTORE_FILE
                    + "); nothing created.");
            return 1;
        }
        DeviceSecurity.Builder builder = DeviceSecurity.builder().dataFolder(data).productName(product)
                .clock(clock);
        char[] passphrase = null;
        try {
            if (config != null) {
                try {
                    builder.configFile(config);
                } catch (ValidationException e) {
                    err.println("devsec report: configuration file " + config + " refused: " + e.getMessage());
                    return 1;
                } catch (IOException e) {
                    err.println("devsec report: cannot read configuration file " + config + ": " + e.getMessage());
                    return 1;
                }
            }
            Declarations declared = null;
            if (declarations != null) {
                try {
                    declared = Declarations.parse(declarations);
                } catch (DeclarationsException e) {
                    err.println("devsec report: declarations file " + declarations + " refused: " + e.getMessage());
                    return 1;
                } catch (IOException e) {
                    err.println("devsec report: cannot read declarations file " + declarations + ": "
                            + e.getMessage());
                    return 1;
                }
            }
            if (passphraseEnv != null) {
                String value = environment.apply(passphraseEnv);
                if (value == null || value.isEmpty()) {
                    err.println("devsec report: environment variable " + passphraseEnv + " is not set.");
                    return 1;
                }
                passphrase = value.toCharArray();
                builder.masterKeySource(MasterKeySource.passphrase(passphrase));
            } else if (passphraseStdin || (!Files.isRegularFile(data.resolve(DeviceSecurity.DEVICE_SECRET_FILE))
                    && io.devsec.tools.Terminal.interactive())) {
                passphrase = io.devsec.tools.Secrets.read(spec.commandLine(), "keystore passphrase", null,
                        passphraseStdin, false);
                builder.masterKeySource(MasterKeySource.passphrase(passphrase));
            } else if (!Files.isRegularFile(data.resolve(DeviceSecurity.DEVICE_SECRET_FILE))) {
                err.println("devsec report: no " + DeviceSecurity.DEVICE_SECRET_FILE + " in " + data
                        + "; for a passphrase-protected device use --passphrase-env VAR or --passphrase-stdin.");
                return 1;
            }
            SigningKey key = null;
            if (signWith != null) {
                try {
                    key = SigningKeyOptions.of(signPassphraseEnv, signPassphraseStdin, pkcs11Config, pinEnv, pinStdin)
                            .load(cl, Collections.singletonList(signWith)).get(0);
                } catch (IOException e) {
                    err.println("devsec report: cannot load the signing key " + signWith + ": " + e.getMessage());
                    return 1;
                }
            }
            ConformanceStatement statement;
            try (DeviceSecurity device = builder.build()) {
                statement = statement(device.conformanceFacts().offlineView(config != null), declared);
            }
            String text = render(statement);
            if (key != null) {
                text = new String(signed(statement.toJson(), key), StandardCharsets.UTF_8);
            }
            if (this.out == null) {
                out.print(text);
            } else {
                writeFile(this.out, text.getBytes(StandardCharsets.UTF_8));
                out.println("wrote " + this.out + (key == null ? "" : " (signed by " + key.publicKey().algorithm().id()
                        + " key " + key.publicKey().keyId() + ")"));
            }
            if (requireMandatory && (!statement.mandatoryUnmet().isEmpty()
                    || !statement.mandatoryNotAssessed().isEmpty())) {
                err.println("devsec report: " + statement.mandatoryUnmet().size() + " mandatory provision(s) not met, "
                        + statement.mandatoryNotAssessed().size() + " not assessed.");
                return 1;
            }
            return 0;
        } catch (IOException | GeneralSecurityException e) {
            err.println("devsec report: cannot open the device in " + data + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("devsec report: " + e.getMessage());
            return 2;
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** The statement with schema, tool, SDK version and input hashes, signed. */
    private byte[] signed(String statementJson, SigningKey key) throws IOException {
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(statementJson);
        doc.put("schema", SCHEMA);
        doc.put("tool", "devsec report");
        doc.put("sdkVersion", SignedJson.sdkVersion());
        ObjectNode in = doc.putObject("inputs");
        in.put("dataFolder", data.toString());
        in.set("config", SignedJson.fileInput(config));
        in.set("declarations", SignedJson.fileInput(declarations));
        SignedJson.sign(doc, PAYLOAD_TYPE, key);
        return SignedJson.toBytes(doc);
    }

    private static void writeFile(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".report-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
