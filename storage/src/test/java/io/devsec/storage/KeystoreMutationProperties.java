package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutates valid keystore files at random (bit flips, cuts, splices from another keystore, length
 * fields set huge, inserted and deleted bytes): opening one gives a documented {@link KeystoreException}
 * subclass, or succeeds only when the bytes are a valid file; never another exception, a hang or an
 * OutOfMemoryError, and the file is never rewritten.
 */
class KeystoreMutationProperties {
    private static final Set<Class<?>> DOCUMENTED = Set.of(NotAKeystoreException.class, CorruptKeystoreException.class,
            UnsupportedFormatVersionException.class, WrongMasterKeyException.class);

    private static Path dir;
    private static Path secret;
    private static byte[] original;
    private static byte[] other;

    @BeforeContainer
    static void makeValidFiles() throws Exception {
        dir = Files.createTempDirectory("ks-mutation");
        secret = dir.resolve("device.secret");
        KeyPair kp = TestSupport.ecKeyPair();
        Path a = dir.resolve("a");
        try (Keystore ks = Keystore.open(a, MasterKeySource.deviceSecretFile(secret))) {
            ks.putSecret("wifi/psk", "a secret value".getBytes());
            ks.advanceCounter("rollback", 42);
            ks.putPrivateKey("identity", kp.getPrivate(), List.of(TestSupport.selfSigned(kp, "dev")));
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

    @AfterContainer
    static void cleanUp() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 600)
    void mutatedFile_opensOnlyWhenValid_otherwiseThrowsDocumentedException(
            @ForAll("mutations") List<Mutation> mutations) throws Exception {
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

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return mutation().list().ofMinSize(1).ofMaxSize(4);
    }

    private static int at(double fraction, int length) {
        return length == 0 ? 0 : Math.min(length - 1, (int) (fraction * length));
    }

    private Arbitrary<Mutation> mutation() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        Arbitrary<Mutation> flip = Combinators.combine(where, Arbitraries.integers().between(0, 7)).as((f, bit) ->
                new Mutation("flip(" + f + "," + bit + ")", d -> {
                    byte[] c = d.clone();
                    if (c.length > 0) {
                        c[at(f, c.length)] ^= (byte) (1 << bit);
                    }
                    return c;
                }));
        Arbitrary<Mutation> cut = where.map(f -> new Mutation("cut(" + f + ")", d -> Arrays.copyOf(d, at(f, d.length))));
        Arbitrary<Mutation> huge = Combinators.combine(where, Arbitraries.of(1, 2, 4), Arbitraries.of((byte) 0xff, (byte) 0x7f))
                .as((f, width, fill) -> new Mutation("huge(" + f + "," + width + ")", d -> {
                    byte[] c = d.clone();
                    int p = at(f, c.length);
                    for (int i = 0; i < width && p + i < c.length; i++) {
                        c[p + i] = fill;
                    }
                    return c;
                }));
        Arbitrary<Mutation> splice = Combinators.combine(where, where, Arbitraries.integers().between(1, 120))
                .as((from, to, len) -> new Mutation("splice(" + from + "," + to + "," + len + ")", d -> {
                    byte[] c = d.clone();
                    int src = at(from, other.length);
                    int dst = at(to, c.length);
                    int n = Math.min(len, Math.min(other.length - src, c.length - dst));
                    System.arraycopy(other, src, c, dst, Math.max(0, n));
                    return c;
                }));
        Arbitrary<Mutation> insert = Combinators.combine(where, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40))
                .as((f, bytes) -> new Mutation("insert(" + f + "," + bytes.length + ")", d -> {
                    int p = d.length == 0 ? 0 : at(f, d.length + 1);
                    byte[] c = new byte[d.length + bytes.length];
                    System.arraycopy(d, 0, c, 0, p);
                    System.arraycopy(bytes, 0, c, p, bytes.length);
                    System.arraycopy(d, p, c, p + bytes.length, d.length - p);
                    return c;
                }));
        Arbitrary<Mutation> delete = Combinators.combine(where, Arbitraries.integers().between(1, 80))
                .as((f, len) -> new Mutation("delete(" + f + "," + len + ")", d -> {
                    int p = at(f, d.length);
                    int n = Math.min(len, d.length - p);
                    byte[] c = new byte[d.length - n];
                    System.arraycopy(d, 0, c, 0, p);
                    System.arraycopy(d, p + n, c, p, d.length - p - n);
                    return c;
                }));
        Arbitrary<Mutation> swapWhole = Arbitraries.just(new Mutation("replaceWithOther", d -> other.clone()));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, flip), net.jqwik.api.Tuple.of(2, cut), net.jqwik.api.Tuple.of(4, huge),
                net.jqwik.api.Tuple.of(3, splice), net.jqwik.api.Tuple.of(2, insert), net.jqwik.api.Tuple.of(2, delete),
                net.jqwik.api.Tuple.of(1, swapWhole));
    }
}
