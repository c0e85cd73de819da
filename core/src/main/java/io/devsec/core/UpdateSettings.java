package io.devsec.core;

import io.devsec.update.BootControl;
import io.devsec.update.BootEnvironment;
import io.devsec.update.MetadataLimits;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import io.devsec.update.UpdateSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link DeviceSecurity#startUpdates(UpdateSettings)} builds the device's update agent: the root the
 * manufacturer ships, the hardware id updates must name, where the A/B slots live, where offers come
 * from, and the application's health check.
 *
 * <p>On a device with a real bootloader, give its {@link BootEnvironment} and the two slot images with
 * {@link Builder#bootEnvironment}; the library's A/B state machine drives it (README "Integrating with
 * your bootloader"). Defaults: slots in {@value #DEFAULT_SLOTS_FOLDER} under the data folder with the
 * file-based {@link BootControl} (factory version 1, for tests and demos), {@link TrialPolicy#DEFAULT}, {@link UpdateSchedule#DEFAULT}, no
 * source (only offers handed in through {@code checkNow} of a source the application sets), no health
 * check (the application calls {@code UpdateAgent.confirm()} itself), the device's clock.
 *
 * <p>The trusted root and the anti-rollback floor always live in the device keystore: the shipped root is
 * only used until a newer one has been trusted, and the floor never goes down.
 */
public final class UpdateSettings {

    /** Folder of the A/B slots inside the data folder, unless {@link Builder#slotsFolder} says otherwise. */
    public static final String DEFAULT_SLOTS_FOLDER = "slots";

    private static final UpdateSource NO_SOURCE = installed -> Optional.<UpdateOffer>empty();

    private final byte[] initialRoot;
    private final String hardwareId;
    private final Optional<Path> slotsFolder;
    private final Optional<BootControl> bootControl;
    private final Optional<BootEnvironment> bootEnvironment;
    private final Path slotAImage;
    private final Path slotBImage;
    private final long factoryVersion;
    private final UpdateSource source;
    private final Optional<HealthCheck> healthCheck;
    private final TrialPolicy trialPolicy;
    private final UpdateSchedule schedule;
    private final UpdateListener listener;
    private final Runnable restartHook;
    private final Optional<Clock> clock;
    private final MetadataLimits limits;
    private final byte[] factoryMetadata;

    private UpdateSettings(Builder b) {
        this.initialRoot = b.initialRoot.clone();
        this.hardwareId = b.hardwareId;
        this.slotsFolder = Optional.ofNullable(b.slotsFolder);
        this.bootControl = Optional.ofNullable(b.bootControl);
        this.bootEnvironment = Optional.ofNullable(b.bootEnvironment);
        this.slotAImage = b.slotAImage;
        this.slotBImage = b.slotBImage;
        this.factoryVersion = b.factoryVersion;
        this.source = b.source;
        this.healthCheck = Optional.ofNullable(b.healthCheck);
        this.trialPolicy = b.trialPolicy;
        this.schedule = b.schedule;
        this.listener = b.listener;
        this.restartHook = b.restartHook;
        this.clock = Optional.ofNullable(b.clock);
        this.limits = b.limits;
        this.factoryMetadata = b.factoryMetadata == null ? null : b.factoryMetadata.clone();
    }

    /**
     * The signed metadata envelope of the factory image (version {@link #factoryVersion()}), against which
     * the integrity check at start verifies it; empty when the factory image ships without one (its
     * integrity is then unverifiable until the first update). A copy.
     */
    public Optional<byte[]> factoryMetadata() {
        return factoryMetadata == null ? Optional.<byte[]>empty() : Optional.of(factoryMetadata.clone());
    }

    /**
     * A builder.
     *
     * @param initialRootEnvelope the signed root envelope (root.json) the manufacturer ships with the device
     * @param hardwareId the hardware id every update for this device must name
     */
    public static Builder builder(byte[] initialRootEnvelope, String hardwareId) {
        return new Builder(initialRootEnvelope, hardwareId);
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(initialRoot, hardwareId);
        b.slotsFolder = slotsFolder.orElse(null);
        b.bootControl = bootControl.orElse(null);
        b.bootEnvironment = bootEnvironment.orElse(null);
        b.slotAImage = slotAImage;
        b.slotBImage = slotBImage;
        b.factoryVersion = factoryVersion;
        b.source = source;
        b.healthCheck = healthCheck.orElse(null);
        b.trialPolicy = trialPolicy;
        // a boot control of the application's own brings its own trial policy: build() refuses both
        b.trialPolicySet = !bootControl.isPresent() && trialPolicy != TrialPolicy.DEFAULT;
        b.schedule = schedule;
        b.listener = listener;
        b.restartHook = restartHook;
        b.clock = clock.orElse(null);
        b.limits = limits;
        b.factoryMetadata = factoryMetadata == null ? null : factoryMetadata.clone();
        return b;
    }

    /** The shipped root envelope (a copy). */
    public byte[] initialRoot() {
        return initialRoot.clone();
    }

    public String hardwareId() {
        return hardwareId;
    }

    /** The slots folder; empty means {@value #DEFAULT_SLOTS_FOLDER} in the data folder. */
    public Optional<Path> slotsFolder() {
        return slotsFolder;
    }

    /** A boot control of the application's own (legacy path; prefer {@link #bootEnvironment()}). */
    public Optional<BootControl> bootControl() {
        return bootControl;
    }

    /** The bootloader environment the library's state machine drives, when set. */
    public Optional<BootEnvironment> bootEnvironment() {
        return bootEnvironment;
    }

    /**
     * The image (partition or file) of a slot for {@link #bootEnvironment()}.
     *
     * @param a true for slot A, false for slot B
     * @return the path, or empty when no boot environment is set
     */
    public Optional<Path> slotImage(boolean a) {
        return Optional.ofNullable(a ? slotAImage : slotBImage);
    }

    /** The version the file-based boot control records for slot A on first use. */
    public long factoryVersion() {
        return factoryVersion;
    }

    public UpdateSource source() {
        return source;
    }

    public Optional<HealthCheck> healthCheck() {
        return healthCheck;
    }

    /**
     * The trial policy in effect: the one given here, or the {@link #bootControl()}'s own when the
     * application brings a boot control (it is given once, in one place).
     *
     * @return the policy
     */
    public TrialPolicy trialPolicy() {
        return bootControl.isPresent() ? bootControl.get().trialPolicy() : trialPolicy;
    }

    public UpdateSchedule schedule() {
        return schedule;
    }

    public UpdateListener listener() {
        return listener;
    }

    public Runnable restartHook() {
        return restartHook;
    }

    /** The clock for metadata expiry and trial deadlines; empty means the device's clock. */
    public Optional<Clock> clock() {
        return clock;
    }

    public MetadataLimits limits() {
        return limits;
    }

    @Override
    public String toString() {
        return "UpdateSettings{hardwareId=" + hardwareId + ", slots=" + slotsFolder.map(Path::toString).orElse("default")
                + ", boot=" + (bootEnvironment.isPresent() ? bootEnvironment.get().toString()
                        : bootControl.isPresent() ? "own BootControl" : "file-based") + ", " + trialPolicy() + ", " + schedule + ", healthCheck=" + healthCheck.isPresent() + "}";
    }

    /** Builds {@link UpdateSettings}; {@link #build()} validates and names the bad field. */
    public static final class Builder {
        private final byte[] initialRoot;
        private final String hardwareId;
        private Path slotsFolder;
        private BootControl bootControl;
        private BootEnvironment bootEnvironment;
        private Path slotAImage;
        private Path slotBImage;
        private boolean trialPolicySet;
        private long factoryVersion = 1;
        private UpdateSource source = NO_SOURCE;
        private HealthCheck healthCheck;
        private TrialPolicy trialPolicy = TrialPolicy.DEFAULT;
        private UpdateSchedule schedule = UpdateSchedule.DEFAULT;
        private UpdateListener listener = new UpdateListener() { };
        private Runnable restartHook = () -> { };
        private Clock clock;
        private MetadataLimits limits = MetadataLimits.DEFAULT;
        private byte[] factoryMetadata;

        private Builder(byte[] initialRoot, String hardwareId) {
            this.initialRoot = initialRoot == null ? null : initialRoot.clone();
            this.hardwareId = hardwareId;
        }

        /** Where the file-based boot control keeps its state and slot images; default in the data folder. */
        public Builder slotsFolder(Path slotsFolder) {
            this.slotsFolder = slotsFolder;
            return this;
        }

        /**
         * A boot control of the application's own instead of the file-based one (then the slots folder is
         * unused and the trial policy is the boot control's own: do not set {@link #trialPolicy} too).
         * Legacy: a real bootloader is integrated through {@link #bootEnvironment} instead.
         */
        public Builder bootControl(BootControl bootControl) {
            this.bootControl = bootControl;
            return this;
        }

        /**
         * Drives a real bootloader: the library's A/B state machine keeps its record in {@code environment}
         * (for example {@link BootEnvironment#uBoot} or {@link BootEnvironment#grub}) and writes updates to
         * the two slot images (partition device nodes such as {@code /dev/mmcblk0p2}). The trial policy is
         * {@link #trialPolicy}; the slots folder is unused.
         *
         * @param environment the bootloader adapter
         * @param slotAImage where slot A's image lives
         * @param slotBImage where slot B's image lives
         * @return this builder
         */
        public Builder bootEnvironment(BootEnvironment environment, Path slotAImage, Path slotBImage) {
            this.bootEnvironment = Objects.requireNonNull(environment, "environment");
            this.slotAImage = Objects.requireNonNull(slotAImage, "slotAImage");
            this.slotBImage = Objects.requireNonNull(slotBImage, "slotBImage");
            return this;
        }

        /**
         * The signed update metadata envelope the factory image was built with, so the integrity check at
         * start can verify the factory image too (provision 4.7); optional.
         */
        public Builder factoryMetadata(byte[] metadataEnvelope) {
            this.factoryMetadata = Objects.requireNonNull(metadataEnvelope, "metadataEnvelope").clone();
            return this;
        }

        /** The version in slot A when the file-based boot control starts for the first time; default 1. */
        public Builder factoryVersion(long factoryVersion) {
            this.factoryVersion = factoryVersion;
            return this;
        }

        /** Where offers come from (MQTT, HTTP, a file: the application's channel). */
        public Builder source(UpdateSource source) {
            this.source = source;
            return this;
        }

        /**
         * Run when a version on trial starts: passing confirms it; failing (throwing) rolls it back at once
         * (the restart hook runs, the confirmed version runs from the next start) and the exception's class
         * and message reach the log and the {@code UPDATE_ROLLED_BACK} event as its reason.
         */
        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = healthCheck;
            return this;
        }

        /**
         * How many starts and how long a version may run on trial before it rolls back; default {@link
         * TrialPolicy#DEFAULT}. Given only here (not with {@link #bootControl}, which has its own).
         */
        public Builder trialPolicy(TrialPolicy trialPolicy) {
            this.trialPolicy = trialPolicy;
            this.trialPolicySet = true;
            return this;
        }

        /** Default {@link UpdateSchedule#DEFAULT}. */
        public Builder schedule(UpdateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder listener(UpdateListener listener) {
            this.listener = listener;
            return this;
        }

        /** Runs after an install or a rollback so the device restarts into the right slot. */
        public Builder restartHook(Runnable restartHook) {
            this.restartHook = restartHook;
            return this;
        }

        /** Default: the clock given to {@link DeviceSecurity.Builder#clock}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Default {@link MetadataLimits#DEFAULT}. */
        public Builder limits(MetadataLimits limits) {
            this.limits = limits;
            return this;
        }

        /** @throws IllegalArgumentException naming the missing or invalid field */
        public UpdateSettings build() {
            if (initialRoot == null || initialRoot.length == 0) {
                throw new IllegalArgumentException("initialRootEnvelope is required");
            }
            if (hardwareId == null || hardwareId.trim().isEmpty()) {
                throw new IllegalArgumentException("hardwareId is required");
            }
            if (factoryVersion < 0) {
                throw new IllegalArgumentException("factoryVersion must not be negative");
            }
            if (source == null) {
                throw new IllegalArgumentException("source must not be null");
            }
            if (trialPolicy == null) {
                throw new IllegalArgumentException("trialPolicy must not be null");
            }
            if (bootControl != null && trialPolicySet) {
                throw new IllegalArgumentException("trialPolicy: the bootControl enforces its own (bootControl.trialPolicy()); "
                        + "give the trial policy once, where the boot control is made");
            }
            if (bootControl != null && bootEnvironment != null) {
                throw new IllegalArgumentException("bootEnvironment: give either a bootEnvironment or a bootControl, not both");
            }
            if (schedule == null) {
                throw new IllegalArgumentException("schedule must not be null");
            }
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            if (restartHook == null) {
                throw new IllegalArgumentException("restartHook must not be null");
            }
            if (limits == null) {
                throw new IllegalArgumentException("limits must not be null");
            }
            return new UpdateSettings(this);
        }
    }
}
