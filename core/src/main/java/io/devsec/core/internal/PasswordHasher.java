package io.devsec.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (Bouncy Castle) in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>}, so the parameters travel with
 * the hash. Passwords are NFKC-normalised and UTF-8 encoded first (NIST SP 800-63B Rev 4).
 */
public final class PasswordHasher {

    /** OWASP's first Argon2id recommendation: 19 MiB, 2 iterations, 1 lane (about 60 ms here). */
    public static final PasswordHasher DEFAULT = new PasswordHasher(19 * 1024, 2, 1);

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_LANES = 16;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int lanes;

    public PasswordHasher(int memoryKib, int iterations, int lanes) {
        if (memoryKib < 8 * lanes || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memoryKib out of range: " + memoryKib);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations out of range: " + iterations);
        }
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new IllegalArgumentException("lanes out of range: " + lanes);
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.lanes = lanes;
    }

    /** Hashes a password with a fresh random salt; returns the PHC string as ASCII bytes. */
    public byte[] hash(char[] password, SecureRandom random) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, lanes, HASH_BYTES);
        try {
            String phc = "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + lanes
                    + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
            return phc.getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    /**
     * Whether {@code password} matches a stored PHC string; the hash outputs are compared with
     * {@link MessageDigest#isEqual}, in time independent of where they differ.
     *
     * @throws IllegalArgumentException when the stored value is not an Argon2id PHC string this class wrote
     */
    public static boolean matches(char[] password, byte[] storedPhc) {
        Parsed p = parse(storedPhc);
        byte[] candidate = derive(password, p.salt, p.memoryKib, p.iterations, p.lanes, p.hash.length);
        try {
            return MessageDigest.isEqual(candidate, p.hash);
        } finally {
            Arrays.fill(candidate, (byte) 0);
            Arrays.fill(p.hash, (byte) 0);
        }
    }

    /** The NFKC-normalised UTF-8 bytes of a password; the caller wipes them. */
    static byte[] normalizedUtf8(char[] password) {
        CharBuffer chars = CharBuffer.wrap(password);
        ByteBuffer encoded;
        if (Normalizer.isNormalized(chars, Normalizer.Form.NFKC)) {
            encoded = StandardCharsets.UTF_8.encode(chars);
        } else {
            // Normalizer returns a String, which cannot be wiped; only non-NFKC input takes this path.
            encoded = StandardCharsets.UTF_8.encode(Normalizer.normalize(chars, Normalizer.Form.NFKC));
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] input = normalizedUtf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(input, out);
            return out;
        } finally {
            Arrays.fill(input, (byte) 0);
            params.clear();
        }
    }

    private static final class Parsed {
        int memoryKib;
        int iterations;
        int lanes;
        byte[] salt;
        byte[] hash;
    }

    private static Parsed parse(byte[] storedPhc) {
        String s = new String(storedPhc, StandardCharsets.US_ASCII);
        String[] parts = s.split("\\$", -1);
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[0].isEmpty() || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
            throw new IllegalArgumentException("stored password hash is not an Argon2id v19 PHC string");
        }
        String[] kv = parts[3].split(",", -1);
        if (kv.length != 3 || !kv[0].startsWith("m=") || !kv[1].startsWith("t=") || !kv[2].startsWith("p=")) {
            throw new IllegalArgumentException("stored password hash has malformed parameters");
        }
        Parsed p = new Parsed();
        try {
            p.memoryKib = Integer.parseInt(kv[0].substring(2));
            p.iterations = Integer.parseInt(kv[1].substring(2));
            p.lanes = Integer.parseInt(kv[2].substring(2));
            p.salt = B64D.decode(parts[4]);
            p.hash = B64D.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stored password hash has malformed fields", e);
        }
        if (p.lanes < 1 || p.lanes > MAX_LANES || p.memoryKib < 8 * p.lanes || p.memoryKib > MAX_MEMORY_KIB
                || p.iterations < 1 || p.iterations > MAX_ITERATIONS || p.salt.length < 8 || p.hash.length < 16) {
            throw new IllegalArgumentException("stored password hash has out-of-range parameters");
        }
        return p;
    }
}
