package io.devsec.tools.update;

import io.devsec.update.KeyAlgorithm;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devsec keygen --algorithm ed25519|ecdsa-p256 --out NAME}: writes NAME.key (0600) and NAME.pub. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate a metadata signing key: NAME.key (unencrypted PKCS#8 PEM, mode 0600) and NAME.pub"
                + " (SubjectPublicKeyInfo PEM). Keep NAME.key offline.")
public final class KeygenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--algorithm", required = true, paramLabel = "ed25519|ecdsa-p256",
            description = "Key algorithm: ed25519 or ecdsa-p256.")
    String algorithm;

    @Option(names = "--out", required = true, paramLabel = "NAME", description = "Base name of the two files.")
    Path out;

    @Override
    public Integer call() {
        KeyAlgorithm alg;
        try {
            alg = KeyAlgorithm.fromId(algorithm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--algorithm: " + e.getMessage());
        }
        try {
            SigningKey key = SigningKey.generate(alg);
            Path keyFile = Path.of(out + ".key");
            Path pubFile = Path.of(out + ".pub");
            key.write(keyFile, pubFile);
            spec.commandLine().getOut().println("wrote " + keyFile + " and " + pubFile + " (" + alg.id() + ", key id "
                    + key.keyId() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (Exception e) {
            return CliSupport.fail(spec, "keygen failed", e);
        }
    }
}
