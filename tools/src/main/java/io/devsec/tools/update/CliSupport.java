package io.devsec.tools.update;

import io.devsec.update.Envelope;
import io.devsec.update.RootMetadata;
import io.devsec.update.UnsupportedKeyException;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Shared pieces of the update commands: key files, envelopes, atomic output, one-line errors. */
final class CliSupport {
    private CliSupport() {
    }

    static List<VerificationKey> publicKeys(List<Path> files) throws IOException {
        List<VerificationKey> keys = new ArrayList<>();
        for (Path f : files) {
            try {
                keys.add(VerificationKey.fromPem(Files.readString(f, StandardCharsets.US_ASCII)));
            } catch (UnsupportedKeyException e) {
                throw new IOException(f + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    static byte[] sign(String payloadType, byte[] payload, List<SigningKey> keys) {
        List<Envelope.Signature> sigs = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (SigningKey k : keys) {
            if (!seen.contains(k.keyId())) {
                seen.add(k.keyId());
                sigs.add(k.signEnvelope(payloadType, payload));
            }
        }
        return Envelope.of(payloadType, payload, sigs).toJson();
    }

    static RootMetadata.Builder root(long version, java.time.Instant expires, List<VerificationKey> rootKeys,
            int threshold, List<VerificationKey> updateKeys, int updateThreshold) {
        RootMetadata.Builder b = RootMetadata.builder().version(version).expires(expires).rootThreshold(threshold)
                .updateThreshold(updateThreshold);
        rootKeys.forEach(b::rootKey);
        updateKeys.forEach(b::updateKey);
        return b;
    }

    /**
     * Writes through a temporary file and a rename, so a reader never sees half a file. Refuses to replace
     * an existing file unless {@code force}.
     */
    static void writeAtomically(Path out, byte[] bytes, boolean force) throws IOException {
        Path abs = out.toAbsolutePath();
        if (!force && Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(out.toString(), null, "refusing to overwrite it (use --force)");
        }
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            if (force) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, abs);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Prints one line on stderr and returns exit code 1. */
    static int fail(CommandLine.Model.CommandSpec spec, String what, Exception e) {
        PrintWriter err = spec.commandLine().getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println(what + ": " + message.replace('\n', ' '));
        err.flush();
        return 1;
    }
}
