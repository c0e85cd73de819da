package io.devsec.storage;

import io.devsec.testkit.SeededTrials;
import static io.devsec.testkit.SeededTrials.between;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.devsec.testkit.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid keystore files at random (bit flips, cuts, splices from another keystore, length
 * fields set huge, inserted and deleted bytes): opening one gives a documented {@link KeystoreException}
 * subclass, or succeeds only when the bytes are a valid file; never another exception, a hang or an
 * OutOfMemoryError, and the file is never rewritten. Seeded trials: a failure names the seed to replay
 * with ({@code -Ddevsec.seed=N}).
 */
class KeystoreMutationProperties {
    private static final Set<Class<?>> DOCUMENTED = Set.of(NotAKeystoreException.class, CorruptKeystoreException.class,
            UnsupportedFormatVersionException.class, WrongMasterKeyException.class);

    private static Path dir;
    private static Path secret;
    private static byte[] original;
    private static byte[] other;

    @BeforeAll
    static void makeValidFiles() throws Exception {
        dir = Files.createTempDirectory("ks-mutation");
        secret = dir.resolve("device.secret");
        KeyPair kp = TestCa.ecKeyPair();
        Path a = dir.resolve("a");
        try (Keystore ks = Keystore.open(a, MasterKeySource.deviceSecretFile(secret))) {
            ks.putSecret("wifi/psk", "a secret value".getBytes());
            ks.advanceCounter("rollback", 42);
            ks.putPrivateKey("identity", kp.getPrivate(), List.of(TestCa.selfSigned(kp, "dev")));
        }
        Path b = dir.resolve("b");
        try (Keystore ks = Keystore.open(b, MasterKeySource.deviceSecretFile(secret))) {
            ks.putSecret("wifi/psk", "another value!".getBytes());
            ks.advanceCounter("rollback", 43);
            ks.putSecret("extra", new byte[100]);
        }
        original = Files.readAllBytes(a);
        other = Files.readAllBytes(b);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void mutatedFile_opensOnlyWhenValid_otherwiseThrowsDocumentedException() {
        SeededTrials.run("mutatedFile_opensOnlyWhenValid_otherwiseThrowsDocumentedException", 600,
                r -> opensOnlyWhenValid(SeededTrials.list(r, 1, 4, KeystoreMutationProperties::mutation)));
    }

    private static void opensOnlyWhenValid(List<Mutation> mutations) throws Exception {
        byte[] data = original.clone();
        for (Mutation m : mutations) {
            data = m.apply(data);
        }
        Path file = dir.resolve("target");
        Files.write(file, data);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        byte[] written = data;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (Keystore ks = Keystore.open(file, MasterKeySource.deviceSecretFile(secret))) {
                assertThat(Arrays.equals(written, original) || Arrays.equals(written, other))
                        .as("a mutated file opened: %s", mutations).isTrue();
                assertThat(ks.counter("rollback")).isIn(42L, 43L);
            } catch (KeystoreException e) {
                assertThat(DOCUMENTED).as("exception %s for %s", e, mutations).contains(e.getClass());
                assertThat(e.getMessage()).isNotBlank();
            }
        });
        assertThat(Files.readAllBytes(file)).as("the file was rewritten").isEqualTo(written);
    }

    /** One named change to the bytes of a file. */
    static final class Mutation {
        final String name;
        final UnaryOperator<byte[]> op;

        Mutation(String name, UnaryOperator<byte[]> op) {
            this.name = name;
            this.op = op;
        }

        byte[] apply(byte[] data) {
            return op.apply(data);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static int at(double fraction, int length) {
        return length == 0 ? 0 : Math.min(length - 1, (int) (fraction * length));
    }

    /** One mutation; weights as before: flip 6, cut 2, huge 4, splice 3, insert 2, delete 2, replace 1. */
    static Mutation mutation(Random r) {
        int pick = r.nextInt(20);
        double f = r.nextDouble();
        if (pick < 6) {
            int bit = between(r, 0, 7);
            return new Mutation("flip(" + f + "," + bit + ")", d -> {
                byte[] c = d.clone();
                if (c.length > 0) {
                    c[at(f, c.length)] ^= (byte) (1 << bit);
                }
                return c;
            });
        }
        if (pick < 8) {
            return new Mutation("cut(" + f + ")", d -> Arrays.copyOf(d, at(f, d.length)));
        }
        if (pick < 12) {
            int width = SeededTrials.oneOf(r, 1, 2, 4);
            byte fill = SeededTrials.oneOf(r, (byte) 0xff, (byte) 0x7f);
            return new Mutation("huge(" + f + "," + width + ")", d -> {
                byte[] c = d.clone();
                int p = at(f, c.length);
                for (int i = 0; i < width && p + i < c.length; i++) {
                    c[p + i] = fill;
                }
                return c;
            });
        }
        if (pick < 15) {
            double to = r.nextDouble();
            int len = between(r, 1, 120);
            return new Mutation("splice(" + f + "," + to + "," + len + ")", d -> {
                byte[] c = d.clone();
                int src = at(f, other.length);
                int dst = at(to, c.length);
                int n = Math.min(len, Math.min(other.length - src, c.length - dst));
                System.arraycopy(other, src, c, dst, Math.max(0, n));
                return c;
            });
        }
        if (pick < 17) {
            byte[] bytes = SeededTrials.bytes(r, 1, 40);
            return new Mutation("insert(" + f + "," + bytes.length + ")", d -> {
                int p = d.length == 0 ? 0 : at(f, d.length + 1);
                byte[] c = new byte[d.length + bytes.length];
                System.arraycopy(d, 0, c, 0, p);
                System.arraycopy(bytes, 0, c, p, bytes.length);
                System.arraycopy(d, p, c, p + bytes.length, d.length - p);
                return c;
            });
        }
        if (pick < 19) {
            int len = between(r, 1, 80);
            return new Mutation("delete(" + f + "," + len + ")", d -> {
                int p = at(f, d.length);
                int n = Math.min(len, d.length - p);
                byte[] c = new byte[d.length - n];
                System.arraycopy(d, 0, c, 0, p);
                System.arraycopy(d, p + n, c, p, d.length - p - n);
                return c;
            });
        }
        return new Mutation("replaceWithOther", d -> other.clone());
    }
}
