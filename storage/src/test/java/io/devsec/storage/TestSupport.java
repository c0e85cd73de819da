package io.devsec.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Fixtures and helpers for storage tests. */
public final class TestSupport {
    private TestSupport() {}

    /** A device-secret master key source in {@code dir}. */
    public static MasterKeySource secretIn(Path dir) {
        return MasterKeySource.deviceSecretFile(dir.resolve("device.secret"));
    }

    /** Waits for {@code condition} without sleeping blindly; fails after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The java executable for child JVMs. */
    public static String java() {
        String env = System.getenv("DEVSEC_TEST_JAVA");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test class path for child JVMs. */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
    }
}
