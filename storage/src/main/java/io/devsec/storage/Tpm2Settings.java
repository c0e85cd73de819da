package io.devsec.storage;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach a TPM 2.0 NV counter for {@link RollbackProtection#tpm2NvCounter(Tpm2Settings)}.
 *
 * <p>The tools run without a shell, with validated arguments, the TCTI in {@code TPM2TOOLS_TCTI} and a
 * timeout. The NV index is used with owner authorization ({@code -C o}) and an empty owner password,
 * as on a TPM that was not taken ownership of. When the index is absent and {@link Builder#defineIfAbsent}
 * is on (the default), it is defined as an 8-byte counter ({@code ownerread|ownerwrite|nt=counter}).
 * Immutable.
 */
public final class Tpm2Settings {

    /** The TCTI of the kernel's resource manager on a Linux device. */
    public static final String DEVICE_TCTI = "device:/dev/tpmrm0";

    private static final Pattern TCTI = Pattern.compile("[A-Za-z0-9]{1,32}(:[A-Za-z0-9/._=,:-]{0,200})?");

    private final int nvIndex;
    private final String tcti;
    private final Path toolsFolder;
    private final long timeoutMillis;
    private final boolean defineIfAbsent;

    private Tpm2Settings(Builder b) {
        this.nvIndex = b.nvIndex;
        this.tcti = b.tcti;
        this.toolsFolder = b.toolsFolder;
        this.timeoutMillis = b.timeoutMillis;
        this.defineIfAbsent = b.defineIfAbsent;
    }

    /**
     * @param nvIndex the NV index, in the owner range 0x01000000 to 0x01FFFFFF
     * @return a builder
     */
    public static Builder builder(int nvIndex) {
        return new Builder(nvIndex);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(nvIndex);
        b.tcti = tcti;
        b.toolsFolder = toolsFolder;
        b.timeoutMillis = timeoutMillis;
        b.defineIfAbsent = defineIfAbsent;
        return b;
    }

    /** @return the NV index */
    public int nvIndex() {
        return nvIndex;
    }

    /** @return the TCTI, for example {@code device:/dev/tpmrm0} or {@code swtpm:host=127.0.0.1,port=2321} */
    public String tcti() {
        return tcti;
    }

    /** @return the folder holding {@code tpm2_nvread} and friends */
    public Path toolsFolder() {
        return toolsFolder;
    }

    /** @return the timeout of one tool run, in milliseconds */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** @return whether an absent NV index is defined */
    public boolean defineIfAbsent() {
        return defineIfAbsent;
    }

    @Override
    public String toString() {
        return "Tpm2Settings{nvIndex=0x" + Integer.toHexString(nvIndex) + ", tcti=" + tcti + ", tools=" + toolsFolder + "}";
    }

    /** Builds {@link Tpm2Settings}; {@link #build()} validates and names the bad field. */
    public static final class Builder {
        private final int nvIndex;
        private String tcti = DEVICE_TCTI;
        private Path toolsFolder = Paths.get("/usr/bin");
        private long timeoutMillis = 10_000;
        private boolean defineIfAbsent = true;

        private Builder(int nvIndex) {
            this.nvIndex = nvIndex;
        }

        /**
         * @param tcti the TCTI string; default {@value Tpm2Settings#DEVICE_TCTI}
         * @return this builder
         */
        public Builder tcti(String tcti) {
            this.tcti = Objects.requireNonNull(tcti, "tcti");
            return this;
        }

        /**
         * @param folder an absolute folder holding the tpm2-tools executables; default {@code /usr/bin}
         * @return this builder
         */
        public Builder toolsFolder(Path folder) {
            this.toolsFolder = Objects.requireNonNull(folder, "toolsFolder");
            return this;
        }

        /**
         * @param millis the timeout of one tool run, 100 ms to 5 minutes; default 10 s
         * @return this builder
         */
        public Builder timeoutMillis(long millis) {
            this.timeoutMillis = millis;
            return this;
        }

        /**
         * @param define whether to define the NV index when it is absent; default true
         * @return this builder
         */
        public Builder defineIfAbsent(boolean define) {
            this.defineIfAbsent = define;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException naming the invalid field
         */
        public Tpm2Settings build() {
            if (nvIndex < 0x01000000 || nvIndex > 0x01FFFFFF) {
                throw new IllegalArgumentException("nvIndex must be in 0x01000000..0x01FFFFFF, got 0x"
                        + Integer.toHexString(nvIndex) + ".");
            }
            if (!TCTI.matcher(tcti).matches()) {
                throw new IllegalArgumentException("tcti must be a name and options of [A-Za-z0-9/._=,:-], "
                        + "without spaces or control characters.");
            }
            if (!toolsFolder.isAbsolute()) {
                throw new IllegalArgumentException("toolsFolder must be an absolute path.");
            }
            if (timeoutMillis < 100 || timeoutMillis > 300_000) {
                throw new IllegalArgumentException("timeoutMillis must be 100 to 300000, got " + timeoutMillis + ".");
            }
            return new Tpm2Settings(this);
        }
    }
}
