package io.devsec.tools.update;

import io.devsec.tools.Secrets;
import io.devsec.update.KeyAlgorithm;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec keygen --algorithm ed25519|ecdsa-p256 --out NAME [--encrypt]}: writes NAME.key (0600) and
 * NAME.pub.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Generate a metadata signing key: NAME.key (PKCS#8 PEM, mode 0600; passphrase-encrypted with"
                + " --encrypt: scrypt and AES-256-CBC, as openssl reads it) and NAME.pub (SubjectPublicKeyInfo PEM).",
            "Keep NAME.key offline. The passphrase comes from a terminal prompt (asked twice), standard input"
                + " (--passphrase-stdin) or an environment variable (--passphrase-env), never from an argument."})
public final class KeygenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--algorithm", required = true, paramLabel = "ed25519|ecdsa-p256",
            description = "Key algorithm: ed25519 or ecdsa-p256.")
    String algorithm;

    @Option(names = "--out", required = true, paramLabel = "NAME", description = "Base name of the two files.")
    Path out;

    @Option(names = "--encrypt", description = "Encrypt NAME.key under a passphrase (implied by the two options below).")
    boolean encrypt;

    @Option(names = "--passphrase-stdin", description = "Read the passphrase from the first line of standard input.")
    boolean passphraseStdin;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Take the passphrase from environment variable VAR.")
    String passphraseEnv;

    @Option(names = "--force", description = "Replace existing NAME.key and NAME.pub.")
    boolean force;

    @Override
    public Integer call() {
        KeyAlgorithm alg;
        try {
            alg = KeyAlgorithm.fromId(algorithm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--algorithm: " + e.getMessage());
        }
        if (passphraseStdin && passphraseEnv != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the passphrase by --passphrase-env or --passphrase-stdin, not both");
        }
        Path keyFile = Paths.get(out + ".key");
        Path pubFile = Paths.get(out + ".pub");
        char[] passphrase = null;
        try {
            if (!force && (keyFile.toFile().exists() || pubFile.toFile().exists())) {
                throw new java.nio.file.FileAlreadyExistsException(
                        (keyFile.toFile().exists() ? keyFile : pubFile).toString(), null,
                        "refusing to overwrite a key file (use --force)");
            }
            if (encrypt || passphraseStdin || passphraseEnv != null) {
                passphrase = Secrets.read(spec.commandLine(), "passphrase for " + keyFile, passphraseEnv, passphraseStdin,
                        true);
                if (passphrase.length < 8) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "the passphrase must have at least 8 characters");
                }
            }
            SigningKey key = SigningKey.generate(alg);
            key.write(keyFile, pubFile, passphrase, force);
            spec.commandLine().getOut().println("wrote " + keyFile + (passphrase != null ? " (encrypted)" : "")
                    + " and " + pubFile + " (" + alg.id() + ", key id " + key.keyId() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) {
            return CliSupport.fail(spec, "keygen failed", e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }
}
