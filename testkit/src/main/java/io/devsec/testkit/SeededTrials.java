package io.devsec.testkit;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random trials for this module's property tests (no property-testing library): each property
 * draws a seed, or takes {@code -Ddevsec.seed=N} to replay a run, and feeds its body from one
 * {@link Random} seeded with it. A failing trial throws an {@link AssertionError} naming the property,
 * the trial and the seed to replay it with.
 */
public final class SeededTrials {
    /** The system property that replays a run: {@code -Ddevsec.seed=N}. */
    public static final String SEED_PROPERTY = "devsec.seed";

    private static final String PRINTABLE =
            " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    private SeededTrials() {
    }

    /** One trial of a property. */
    @FunctionalInterface
    public interface Trial {
        /**
         * Runs one trial.
         *
         * @param random the run's generator
         * @throws Exception when the trial fails
         */
        void run(Random random) throws Exception;
    }

    /**
     * The seed of this run: {@code -Ddevsec.seed} when set, else a fresh random one.
     *
     * @return the seed
     */
    public static long seed() {
        String fixed = System.getProperty(SEED_PROPERTY);
        return fixed != null && !fixed.trim().isEmpty() ? Long.parseLong(fixed.trim()) : new SecureRandom().nextLong();
    }

    /**
     * Runs {@code tries} trials of a property from one seed.
     *
     * @param property the property's name, for the failure message
     * @param tries how many trials
     * @param trial the property
     */
    public static void run(String property, int tries, Trial trial) {
        run(property, tries, seed(), trial);
    }

    /**
     * Runs {@code tries} trials of a property from the given seed (from {@link #seed()}, when the caller
     * also names the seed in assertions of its own after the trials).
     *
     * @param property the property's name, for the failure message
     * @param tries how many trials
     * @param seed the seed
     * @param trial the property
     */
    public static void run(String property, int tries, long seed, Trial trial) {
        Random random = new Random(seed);
        for (int i = 1; i <= tries; i++) {
            try {
                trial.run(random);
            } catch (Throwable t) {
                throw new AssertionError(property + " failed at trial " + i + " of " + tries + " with seed " + seed
                        + " (replay: -D" + SEED_PROPERTY + "=" + seed + "): " + t, t);
            }
        }
    }

    /**
     * A uniform integer in {@code [min, max]}.
     *
     * @param r the generator
     * @param min the smallest value
     * @param max the largest value
     * @return the value
     */
    public static int between(Random r, int min, int max) {
        return min + (int) ((r.nextLong() & Long.MAX_VALUE) % ((long) max - min + 1));
    }

    /**
     * A length in {@code [min, max]}, biased towards both ends (as property testers do for edge cases).
     *
     * @param r the generator
     * @param min the shortest length
     * @param max the longest length
     * @return the length
     */
    public static int length(Random r, int min, int max) {
        int pick = r.nextInt(20);
        if (pick == 0) {
            return min;
        }
        if (pick == 1) {
            return max;
        }
        return between(r, min, max);
    }

    /**
     * One of the given values, uniformly.
     *
     * @param <T> the type
     * @param r the generator
     * @param values the choices
     * @return one of them
     */
    @SafeVarargs
    public static <T> T oneOf(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /**
     * Random bytes, 0 to {@code maxLength} of them.
     *
     * @param r the generator
     * @param maxLength the longest
     * @return the bytes
     */
    public static byte[] bytes(Random r, int maxLength) {
        return bytes(r, 0, maxLength);
    }

    /**
     * Random bytes, {@code minLength} to {@code maxLength} of them.
     *
     * @param r the generator
     * @param minLength the shortest
     * @param maxLength the longest
     * @return the bytes
     */
    public static byte[] bytes(Random r, int minLength, int maxLength) {
        byte[] b = new byte[length(r, minLength, maxLength)];
        r.nextBytes(b);
        return b;
    }

    /**
     * Any char: mostly printable ASCII, else control characters, surrogates, or anything in the BMP.
     *
     * @param r the generator
     * @return the char
     */
    public static char anyChar(Random r) {
        int pick = r.nextInt(10);
        if (pick < 5) {
            return PRINTABLE.charAt(r.nextInt(PRINTABLE.length()));
        }
        if (pick == 5) {
            return (char) r.nextInt(0x20);
        }
        if (pick == 6) {
            return (char) between(r, 0xD800, 0xDFFF);
        }
        if (pick == 7) {
            return oneOf(r, '\u007f', '\u0085', '\u00a0', '\u2028', '\uFEFF', '\uFFFF');
        }
        return (char) r.nextInt(0x10000);
    }

    /**
     * A string of any chars ({@link #anyChar}), 0 to {@code maxLength} long.
     *
     * @param r the generator
     * @param maxLength the longest
     * @return the string
     */
    public static String string(Random r, int maxLength) {
        int n = length(r, 0, maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(anyChar(r));
        }
        return b.toString();
    }

    /**
     * A string over an alphabet, {@code minLength} to {@code maxLength} long.
     *
     * @param r the generator
     * @param alphabet the chars to draw from
     * @param minLength the shortest
     * @param maxLength the longest
     * @return the string
     */
    public static String string(Random r, String alphabet, int minLength, int maxLength) {
        int n = length(r, minLength, maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /**
     * A list of {@code minSize} to {@code maxSize} generated elements.
     *
     * @param <T> the element type
     * @param r the generator
     * @param minSize the fewest
     * @param maxSize the most
     * @param element makes one element
     * @return the list
     */
    public static <T> List<T> list(Random r, int minSize, int maxSize, java.util.function.Function<Random, T> element) {
        int n = length(r, minSize, maxSize);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.apply(r));
        }
        return out;
    }

    /**
     * A character range as a string, for {@link #string(Random, String, int, int)}.
     *
     * @param from the first char
     * @param to the last char
     * @return the chars from {@code from} to {@code to}
     */
    public static String range(char from, char to) {
        StringBuilder b = new StringBuilder();
        for (int c = from; c <= to; c++) {
            b.append((char) c);
        }
        return b.toString();
    }
}
