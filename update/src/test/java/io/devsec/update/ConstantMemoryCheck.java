package io.devsec.update;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Child-JVM main: verifies metadata and streams a generated image of the given length through
 * {@link UpdateVerifier#copyImage}; prints "verified N" on success. Run with a small -Xmx.
 */
public final class ConstantMemoryCheck {
    private ConstantMemoryCheck() {
    }

    public static void main(String[] args) throws Exception {
        byte[] root = Files.readAllBytes(Path.of(args[0]));
        byte[] update = Files.readAllBytes(Path.of(args[1]));
        long length = Long.parseLong(args[2]);
        UpdateVerifier v = UpdateVerifier.builder().initialRoot(root).rollbackCounter(RollbackCounter.inMemory(0))
                .hardwareId("hw").clock(Clock.fixed(Instant.parse(args[3]), ZoneOffset.UTC)).build();
        VerifiedUpdate u = v.verifyMetadata(update, 0);
        UpdateVerifier.copyImage(u, new PatternStream(length), OutputStream.nullOutputStream());
        System.out.println("verified " + u.metadata().version() + " heap " + Runtime.getRuntime().maxMemory());
    }
}
