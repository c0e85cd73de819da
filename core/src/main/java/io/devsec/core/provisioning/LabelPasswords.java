package io.devsec.core.provisioning;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Generates unique random device passwords: for a label printed at the factory, for a device's first
 * start when no label password was provisioned, and for a factory reset.
 *
 * <p>A password is {@value #LENGTH} characters from a {@value #ALPHABET_SIZE}-symbol alphabet without
 * look-alike characters (none of 0/O/o, 1/l/I/i, 2/Z/z, 5/S/s; only one of each group 6/b/G, 9/g/q, 8/B), all lower case, so it
 * can be read off a label and typed on a phone: log2(24^18) = {@value #ENTROPY_BITS_FLOOR}+ bits of
 * entropy, above the 80 bits asked for. Each character is drawn uniformly (rejection sampling over
 * bytes of the given {@link SecureRandom}). No Argon2 runs here, so a factory can generate 100,000
 * passwords in well under a second.
 *
 * <p>Thread-safe if the {@link SecureRandom} is (the JDK's are).
 */
public final class LabelPasswords {

    /** The symbols a generated password uses. */
    public static final String ALPHABET = "acdefhjkmnprtuvwxy346789";

    /** Number of symbols in {@link #ALPHABET}. */
    public static final int ALPHABET_SIZE = 24;

    /** Characters in a generated password. */
    public static final int LENGTH = 18;

    /** Entropy of a generated password in whole bits (18 * log2(24) = 82.5). */
    public static final int ENTROPY_BITS_FLOOR = 82;

    /**
     * Fewest distinct symbols a label password may use ({@link #meetsLabelRule}); a uniform draw of
     * {@value #LENGTH} symbols has fewer with probability about 2 * 10^-8, and {@link #generate} redraws those.
     */
    public static final int MIN_DISTINCT_SYMBOLS = 6;

    /**
     * Most times one symbol may occur in a label password of {@value #LENGTH} characters
     * ({@link #meetsLabelRule}); a uniform draw exceeds it with probability below 10^-6, and
     * {@link #generate} redraws those.
     */
    public static final int MAX_SYMBOL_REPEATS = 8;

    /** Longest label password {@link #meetsLabelRule} accepts (the provisioning record's limit). */
    private static final int MAX_LENGTH = 256;

    private static final char[] SYMBOLS = ALPHABET.toCharArray();
    /** Largest multiple of 24 below 256: bytes at or above it are rejected to keep the draw uniform. */
    private static final int LIMIT = 240;

    private LabelPasswords() {}

    /**
     * A fresh random password of {@value #LENGTH} characters; the caller owns (and should wipe) the array.
     *
     * @param random the randomness source; must be a {@link SecureRandom}
     */
    public static char[] generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        while (true) {
            char[] out = draw(random);
            if (meetsLabelRule(out)) {
                return out;
            }
            Arrays.fill(out, '\0'); // a degenerate draw (about 1 in 3 million): redrawn, so every label meets the rule
        }
    }

    private static char[] draw(SecureRandom random) {
        char[] out = new char[LENGTH];
        byte[] buffer = new byte[LENGTH + 8];
        int filled = 0;
        try {
            while (filled < LENGTH) {
                random.nextBytes(buffer);
                for (int i = 0; i < buffer.length && filled < LENGTH; i++) {
                    int v = buffer[i] & 0xff;
                    if (v < LIMIT) {
                        out[filled++] = SYMBOLS[v % ALPHABET_SIZE];
                    }
                }
            }
            return out;
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    /**
     * The label rule a provisioning record's password must meet unless the device's password policy accepts
     * it (what {@code devsec provision} guarantees): at least {@value #LENGTH} and at most 256 characters,
     * all from {@link #ALPHABET} (so at least {@value #ENTROPY_BITS_FLOOR} bits when drawn uniformly), with
     * at least {@value #MIN_DISTINCT_SYMBOLS} distinct symbols and no symbol more than
     * {@value #MAX_SYMBOL_REPEATS} times in the first {@value #LENGTH} characters. One password cannot
     * prove it was drawn at random: the two count limits only catch degenerate ones such as
     * {@code aaaaaaaaaaaaaaaaaa}, and no single device can see that a factory gave several devices the same
     * password.
     *
     * @param password the candidate; not modified
     * @return whether it meets the rule
     */
    public static boolean meetsLabelRule(char[] password) {
        if (password == null || password.length < LENGTH || password.length > MAX_LENGTH) {
            return false;
        }
        int[] counts = new int[ALPHABET_SIZE];
        int distinct = 0;
        int maxRepeats = 0;
        for (int i = 0; i < password.length; i++) {
            int symbol = ALPHABET.indexOf(password[i]);
            if (symbol < 0) {
                return false;
            }
            if (i < LENGTH) {
                if (counts[symbol]++ == 0) {
                    distinct++;
                }
                maxRepeats = Math.max(maxRepeats, counts[symbol]);
            }
        }
        return distinct >= MIN_DISTINCT_SYMBOLS && maxRepeats <= MAX_SYMBOL_REPEATS;
    }

    /** Whether {@code password} has the shape of a generated password (length and alphabet). */
    public static boolean isWellFormed(char[] password) {
        if (password == null || password.length != LENGTH) {
            return false;
        }
        for (char c : password) {
            if (ALPHABET.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
