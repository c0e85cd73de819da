package io.devsec.tools.update;

import io.devsec.update.Envelope;
import io.devsec.update.RollbackCounter;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateVerifier;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devsec sign}: hashes an image and writes its signed update metadata. */
// No standard --version here: "--version N" is the version of the update, a name of the update contract that
// scripts rely on, so this command offers --help alone (devsec --version prints the tool's version).
@Command(name = "sign",
        description = "Sign update metadata for an image: version, hardware id, length, SHA-256, expiry.")
public final class SignCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "root.json",
            description = "The current root: the signatures are checked against its update keys.")
    Path root;

    @Option(names = "--image", required = true, paramLabel = "FILE")
    Path image;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"--version", "--update-version"}, required = true, paramLabel = "N",
            description = "Version of the update (the device refuses one not above its installed version).")
    long version;

    @Option(names = "--hardware-id", required = true, paramLabel = "ID")
    String hardwareId;

    @Option(names = "--expires", required = true, paramLabel = "INSTANT",
            description = "Expiry, ISO 8601 (2027-01-31T00:00:00Z).")
    Instant expires;

    @Option(names = "--support-until", paramLabel = "DATE", description = "End of security support (2031-12-31).")
    LocalDate supportUntil;

    @Option(names = "--security", description = "Mark as a security update.")
    boolean security;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why the update is needed (shown to users).")
    String reason;

    @Option(names = "--sign-with", required = true, paramLabel = "X.key|pkcs11:ALIAS",
            description = "Private key to sign with: a PKCS#8 PEM file (encrypted or not) or pkcs11:ALIAS, a key in"
                    + " the token of --pkcs11-config (repeat for several).")
    List<String> signWith;

    @CommandLine.Mixin
    SigningKeyOptions keyOptions;

    @Option(names = "--out", required = true, paramLabel = "FILE.update.json")
    Path out;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Override
    public Integer call() {
        UpdateMetadata md;
        try {
            RootCommand.refuseExisting(spec.commandLine(), out, force);
            long length = Files.size(image);
            byte[] digest = hash(image, length, spec.commandLine().getErr());
            md = UpdateMetadata.builder().version(version).hardwareId(hardwareId).imageLength(length)
                    .imageSha256(digest).expires(expires).supportUntil(supportUntil).securityUpdate(security)
                    .reason(reason != null ? reason
                            : (security ? "Security update" : "Software update") + " to version " + version + ".")
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (Exception e) {
            return CliSupport.fail(spec, "sign failed", e);
        }
        try {
            byte[] env = CliSupport.sign(Envelope.UPDATE_PAYLOAD_TYPE, md.toPayload(),
                    keyOptions.load(spec.commandLine(), signWith));
            // Check what a device will check: threshold of the root's update keys, expiry, hardware.
            UpdateVerifier.builder().initialRoot(Files.readAllBytes(root)).rollbackCounter(RollbackCounter.inMemory(0))
                    .hardwareId(hardwareId).clock(Clock.systemUTC()).build().verifyMetadata(env, 0);
            CliSupport.writeAtomically(out, env, force);
            spec.commandLine().getOut().println("wrote " + out + ": version " + version + ", " + md.imageLength()
                    + " bytes, sha256 " + md.imageSha256());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) {
            return CliSupport.fail(spec, "sign failed", e);
        }
    }

    /** SHA-256 of the file through the JDK, with progress on a terminal. */
    static byte[] hash(Path file, long length, PrintWriter progressOut) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        io.devsec.tools.Terminal.Progress progress = new io.devsec.tools.Terminal.Progress(progressOut,
                "hashing " + file.getFileName(), length, length > (64L << 20));
        byte[] buf = new byte[1 << 20];
        long done = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                done += n;
                progress.update(done);
            }
        }
        progress.done();
        return md.digest();
    }
}
