package io.devsec.storage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Programs that tests run in child JVMs (not tests themselves). */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** Starts {@code main} of this class in a child JVM with the test class path. */
    public static Process start(String mode, String... args) throws java.io.IOException {
        return start(null, mode, args);
    }

    /**
     * As {@link #start(String, String...)}, with the child's stdout going to {@code stdout} when it is
     * not null. A file keeps every byte the child wrote even when it is SIGKILLed; a pipe read by a
     * thread can lose the last lines when the JDK's process reaper drains and closes it.
     */
    public static Process start(Path stdout, String mode, String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(TestSupport.java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx64m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", TestSupport.classPath(), ChildProcesses.class.getName(), mode));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        }
        return pb.start();
    }

    /**
     * {@code write <keystore> <secret>}: writes forever, each write a batch setting secret "value" and
     * counter "counter" to the same number; prints "ACK n" once the write has returned (is durable).
     * An optional rollback protection follows the secret: {@code tpm <tcti> <nv index>} or
     * {@code pkcs11 <slot> <label prefix>} (the SoftHSM2 test token; SOFTHSM2_CONF is inherited).
     * {@code hold <keystore> <secret>}: opens, prints "OPEN", waits for stdin to close, closes, prints "CLOSED".
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        MasterKeySource source = MasterKeySource.deviceSecretFile(Path.of(args[2]));
        if (args[0].equals("write")) {
            KeystoreOptions options = KeystoreOptions.DEFAULT;
            if (args.length > 3) {
                options = KeystoreOptions.builder().rollbackProtection(protection(args[3], args[4], args[5])).build();
            }
            try (Keystore ks = Keystore.open(file, source, options)) {
                long n = ks.counter("counter");
                while (true) {
                    long next = ++n;
                    ks.batch(e -> e.putSecret("value", ByteBuffer.allocate(8).putLong(next).array())
                            .putSecret("padding-" + (next % 7), new byte[(int) (next % 300)])
                            .advanceCounter("counter", next));
                    System.out.println("ACK " + next);
                    System.out.flush();
                }
            }
        } else if (args[0].equals("hold")) {
            try {
                Keystore ks = Keystore.open(file, source);
                System.out.println("OPEN");
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (in.readLine() != null) {
                    // wait for EOF
                }
                ks.close();
                System.out.println("CLOSED");
            } catch (KeystoreException e) {
                System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            System.out.flush();
        } else {
            throw new IllegalArgumentException(args[0]);
        }
    }

    /** The rollback protection named by {@code kind} ("tpm" or "pkcs11") and its two arguments. */
    public static RollbackProtection protection(String kind, String a, String b) {
        if (kind.equals("tpm")) {
            return RollbackProtection.tpm2NvCounter(Tpm2Settings.builder(Integer.decode(a)).tcti(b).build());
        }
        Pkcs11Settings settings = Pkcs11Settings.builder().library(SoftHsm.LIBRARY).slot(Long.parseLong(a))
                .pin(SoftHsm.PIN).build();
        return RollbackProtection.pkcs11(settings, b);
    }
}
