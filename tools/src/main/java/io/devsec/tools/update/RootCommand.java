package io.devsec.tools.update;

import io.devsec.update.Envelope;
import io.devsec.update.MetadataLimits;
import io.devsec.update.RollbackCounter;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateVerifier;
import io.devsec.update.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devsec root create|rotate}: writes signed root metadata (DSSE envelopes). */
@Command(name = "root", mixinStandardHelpOptions = true,
        description = "Create or rotate the root of trust for signed updates.",
        subcommands = {RootCommand.Create.class, RootCommand.Rotate.class})
public final class RootCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: create or rotate.");
    }

    /** Options shared by create and rotate. */
    static final class RootOptions {
        @Option(names = "--key", required = true, paramLabel = "A.pub", description = "Root key (repeat for several).")
        List<Path> keys;

        @Option(names = "--threshold", required = true, paramLabel = "T", description = "Root signatures needed.")
        int threshold;

        @Option(names = "--update-key", required = true, paramLabel = "X.pub",
                description = "Update signing key (repeat for several).")
        List<Path> updateKeys;

        @Option(names = "--update-threshold", required = true, paramLabel = "U",
                description = "Update signatures needed.")
        int updateThreshold;

        @Option(names = "--expires", required = true, paramLabel = "INSTANT",
                description = "Expiry, ISO 8601 (2027-01-31T00:00:00Z).")
        Instant expires;

        @Option(names = "--sign-with", required = true, paramLabel = "A.key|pkcs11:ALIAS",
                description = "Private key to sign with: a PKCS#8 PEM file (encrypted or not) or pkcs11:ALIAS,"
                        + " a key in the token of --pkcs11-config (repeat for several).")
        List<String> signWith;

        @Option(names = "--out", required = true, paramLabel = "root.json", description = "Output file.")
        Path out;

        byte[] build(CommandLine cl, long version, SigningKeyOptions keyOptions) throws Exception {
            RootMetadata root;
            List<VerificationKey> rootKeys = CliSupport.publicKeys(keys);
            List<VerificationKey> upd = CliSupport.publicKeys(updateKeys);
            refuseOneKeyUnderTwoEncodings(cl, keys, rootKeys, updateKeys, upd);
            try {
                root = CliSupport.root(version, expires, rootKeys, threshold, upd, updateThreshold).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            return CliSupport.sign(Envelope.ROOT_PAYLOAD_TYPE, root.toPayload(), keyOptions.load(cl, signWith));
        }

        /**
         * A P-256 key has two encodings (compressed and uncompressed point), so two key ids: listing
         * both would let one signer count twice toward a threshold. Names the two files.
         */
        private static void refuseOneKeyUnderTwoEncodings(CommandLine cl, List<Path> rootFiles,
                List<VerificationKey> rootKeys, List<Path> updateFiles, List<VerificationKey> updateKeys) {
            List<Path> files = new ArrayList<>(rootFiles);
            files.addAll(updateFiles);
            List<VerificationKey> all = new ArrayList<>(rootKeys);
            all.addAll(updateKeys);
            for (int i = 0; i < all.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (all.get(i).sameKey(all.get(j)) && !all.get(i).keyId().equals(all.get(j).keyId())) {
                        throw new CommandLine.ParameterException(cl, files.get(j) + " and " + files.get(i)
                                + " are the same public key in two encodings (two key ids); list each key once");
                    }
                }
            }
        }
    }

    // No standard --version here: "--version N" is the root's version, a name of the update contract (see sign).
    @Command(name = "create",
            description = "Create root version 1 (or --version N), signed by a threshold of its own root keys.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @ArgGroup(exclusive = false, multiplicity = "1")
        RootOptions options;

        @CommandLine.Mixin
        SigningKeyOptions keyOptions;

        @Option(names = "--force", description = "Replace an existing output file.")
        boolean force;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = {"--version", "--root-version"}, defaultValue = "1", paramLabel = "N",
                description = "Root version (default 1).")
        long version;

        @Override
        public Integer call() {
            try {
                refuseExisting(spec.commandLine(), options.out, force);
                byte[] env = options.build(spec.commandLine(), version, keyOptions);
                // Check what a device will check: the root is signed by a threshold of its own keys.
                UpdateVerifier.builder().initialRoot(env).rollbackCounter(RollbackCounter.inMemory(0))
                        .hardwareId("any").build().trustedRoot();
                CliSupport.writeAtomically(options.out, env, force);
                spec.commandLine().getOut().println("wrote root version " + version + " to " + options.out);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (CommandLine.ParameterException e) {
                throw e;
            } catch (Exception e) {
                return CliSupport.fail(spec, "root create failed", e);
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Create the next root (old version + 1), to be signed by a threshold of the old root keys"
                    + " and of the new ones.")
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--root", required = true, paramLabel = "OLD.json", description = "The current root.")
        Path oldRoot;

        @ArgGroup(exclusive = false, multiplicity = "1")
        RootOptions options;

        @CommandLine.Mixin
        SigningKeyOptions keyOptions;

        @Option(names = "--force", description = "Replace an existing output file.")
        boolean force;

        @Override
        public Integer call() {
            try {
                refuseExisting(spec.commandLine(), options.out, force);
                byte[] old = Files.readAllBytes(oldRoot);
                Envelope oldEnv = Envelope.parse(old, MetadataLimits.DEFAULT);
                long version = RootMetadata.parse(oldEnv.payload(), MetadataLimits.DEFAULT).version() + 1;
                byte[] env = options.build(spec.commandLine(), version, keyOptions);
                // Check what a device will check when it walks from the old root to this one.
                UpdateVerifier.builder().initialRoot(old).rollbackCounter(RollbackCounter.inMemory(0))
                        .hardwareId("any").build().updateRoot(env);
                CliSupport.writeAtomically(options.out, env, force);
                spec.commandLine().getOut().println("wrote root version " + version + " to " + options.out);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (CommandLine.ParameterException e) {
                throw e;
            } catch (Exception e) {
                return CliSupport.fail(spec, "root rotate failed", e);
            }
        }
    }

    /** Fails before any passphrase is asked when the output exists and --force is not given. */
    static void refuseExisting(CommandLine cl, Path out, boolean force) throws java.nio.file.FileAlreadyExistsException {
        if (!force && Files.exists(out)) {
            throw new java.nio.file.FileAlreadyExistsException(out.toString(), null,
                    "refusing to overwrite it (use --force)");
        }
    }
}
