package io.devsec.storage;

/**
 * Argon2id cost parameters for a passphrase master key.
 *
 * <p>The parameters are recorded in the keystore header when the keystore is created; opening an
 * existing keystore uses the recorded ones. Bounds: memory 8 KiB (and at least 8 KiB per lane) to
 * 1 GiB, 1 to 16 iterations, 1 to 16 lanes. The same bounds are enforced on the values read from a
 * file, so a damaged or hostile header cannot make a derivation allocate or run without limit.
 *
 * <p>Immutable and thread-safe.
 */
public final class Argon2Parameters {

    /** Smallest accepted memory cost, KiB. */
    public static final int MIN_MEMORY_KIB = 8;
    /** Largest accepted memory cost, KiB (1 GiB). */
    public static final int MAX_MEMORY_KIB = 1 << 20;
    /** Largest accepted iteration count. */
    public static final int MAX_ITERATIONS = 16;
    /** Largest accepted parallelism (lanes). */
    public static final int MAX_PARALLELISM = 16;

    /**
     * The default: 64 MiB of memory, 3 iterations, 1 lane (Argon2id; the second recommended option of
     * RFC 9106).
     *
     * <p>Measured on the project's reference machine (2-core AMD EPYC, JDK 17, Bouncy Castle 1.87,
     * machine shared with builds): the first derivation in a fresh JVM, which is what a device pays
     * when it opens its keystore at start, took 0.53 s; later derivations in a warm JVM took 0.17 to
     * 0.25 s (median 0.21 s). That sits in the 0.2 to 1 s band that makes each offline guess
     * expensive while a device still starts quickly. (64 MiB with 4 iterations took 1.2 s cold, too
     * slow.) Devices with less memory should pass explicit, smaller parameters.
     */
    public static final Argon2Parameters DEFAULT = new Argon2Parameters(64 * 1024, 3, 1);

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;

    private Argon2Parameters(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /**
     * Explicit parameters.
     *
     * @param memoryKib memory cost in KiB, {@link #MIN_MEMORY_KIB} to {@link #MAX_MEMORY_KIB}
     * @param iterations time cost (passes over the memory), 1 to {@link #MAX_ITERATIONS}
     * @param parallelism lanes, 1 to {@link #MAX_PARALLELISM}
     * @return the parameters
     * @throws IllegalArgumentException when a value is out of bounds; the message names it
     */
    public static Argon2Parameters of(int memoryKib, int iterations, int parallelism) {
        return builder().memoryKib(memoryKib).iterations(iterations).parallelism(parallelism).build();
    }

    /**
     * A builder starting from {@link #DEFAULT}'s values.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.memoryKib = memoryKib;
        b.iterations = iterations;
        b.parallelism = parallelism;
        return b;
    }

    /**
     * Memory cost.
     *
     * @return the memory cost in KiB
     */
    public int memoryKib() {
        return memoryKib;
    }

    /**
     * Time cost.
     *
     * @return the number of passes over the memory
     */
    public int iterations() {
        return iterations;
    }

    /**
     * Degree of parallelism.
     *
     * @return the number of lanes
     */
    public int parallelism() {
        return parallelism;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Argon2Parameters)) {
            return false;
        }
        Argon2Parameters other = (Argon2Parameters) o;
        return memoryKib == other.memoryKib && iterations == other.iterations && parallelism == other.parallelism;
    }

    @Override
    public int hashCode() {
        return (memoryKib * 31 + iterations) * 31 + parallelism;
    }

    @Override
    public String toString() {
        return "Argon2id{memoryKib=" + memoryKib + ", iterations=" + iterations + ", parallelism=" + parallelism + "}";
    }

    /** Builds {@link Argon2Parameters}, starting from {@link #DEFAULT}'s values. */
    public static final class Builder {
        private int memoryKib = 64 * 1024;
        private int iterations = 3;
        private int parallelism = 1;

        private Builder() {}

        /**
         * Sets the memory cost.
         *
         * @param memoryKib memory cost in KiB, {@link #MIN_MEMORY_KIB} to {@link #MAX_MEMORY_KIB} (checked by {@link #build()})
         * @return this builder
         */
        public Builder memoryKib(int memoryKib) {
            this.memoryKib = memoryKib;
            return this;
        }

        /**
         * Sets the time cost.
         *
         * @param iterations passes over the memory, 1 to {@link #MAX_ITERATIONS} (checked by {@link #build()})
         * @return this builder
         */
        public Builder iterations(int iterations) {
            this.iterations = iterations;
            return this;
        }

        /**
         * Sets the degree of parallelism.
         *
         * @param parallelism lanes, 1 to {@link #MAX_PARALLELISM} (checked by {@link #build()})
         * @return this builder
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Checks the values and builds the parameters.
         *
         * @return the parameters
         * @throws IllegalArgumentException when a value is out of bounds; the message names it
         */
        public Argon2Parameters build() {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException(
                        "Argon2 parallelism must be 1 to " + MAX_PARALLELISM + ", got " + parallelism + ".");
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException(
                        "Argon2 iterations must be 1 to " + MAX_ITERATIONS + ", got " + iterations + ".");
            }
            if (memoryKib < MIN_MEMORY_KIB || memoryKib > MAX_MEMORY_KIB || memoryKib < 8 * parallelism) {
                throw new IllegalArgumentException("Argon2 memoryKib must be " + MIN_MEMORY_KIB + " to "
                        + MAX_MEMORY_KIB + " and at least 8 per lane, got " + memoryKib + ".");
            }
            return new Argon2Parameters(memoryKib, iterations, parallelism);
        }
    }
}
