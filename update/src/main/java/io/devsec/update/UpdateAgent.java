package io.devsec.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of signed A/B updates: at start it asks the {@link BootControl} what runs
 * (rolling back an unconfirmed trial by itself), then checks its {@link UpdateSource} after start
 * and periodically with jitter, verifies each offer with the {@link UpdateVerifier}, streams the
 * image into the inactive slot and puts it on trial. The application confirms the new version
 * with {@link #confirm()} once its health check passes; only then does the rollback floor rise.
 *
 * <p>Every state a power cut can leave is safe: the signed metadata of an update is stored in the
 * {@link InstalledMetadataStore} before its trial starts, so a version never runs on trial without
 * it; {@link #confirm()} checks the running image against that metadata first and refuses a trial
 * it cannot verify; and a cut between confirming and raising the floor is repaired at the next
 * {@link #start()}.
 *
 * <p>Automatic updates are on by default; {@link #setAutomaticUpdates(boolean)} turns scheduled
 * installs off and {@link #postpone(Duration)} skips scheduled checks for a while.
 * {@link #checkNow()} always works. Thread-safe.
 */
public final class UpdateAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateAgent.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UpdateVerifier verifier;
    private final BootControl boot;
    private final RollbackCounter counter;
    private final InstalledMetadataStore metadataStore;
    private final UpdateSource source;
    private final UpdateListener listener;
    private final UpdateSchedule schedule;
    private final TrialPolicy trialPolicy;
    private final Clock clock;
    private final Runnable restart;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;

    private volatile boolean automatic = true;
    private volatile Instant postponedUntil = Instant.MIN;
    private volatile LocalDate supportUntil;
    private final LongFunction<Optional<LocalDate>> supportPeriods;
    private volatile boolean supportEndRaised;
    private volatile BootStatus status;
    private ScheduledFuture<?> nextCheck;
    private boolean closed;

    private UpdateAgent(Builder b) {
        this.verifier = b.verifier;
        this.boot = b.bootControl;
        this.counter = b.counter;
        this.metadataStore = b.metadataStore;
        this.source = b.source;
        this.listener = b.listener;
        this.schedule = b.schedule;
        this.trialPolicy = Objects.requireNonNull(b.bootControl.trialPolicy(), "bootControl.trialPolicy()");
        this.clock = b.clock;
        this.restart = b.restart;
        this.supportUntil = b.supportUntil;
        this.supportPeriods = b.supportPeriods;
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "devsec-update-agent");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A builder; verifier, boot control, rollback counter, installed-metadata store and source are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the boot decision for this start, then schedules update checks and, during a trial,
     * the rollback deadline. When no trial is pending and the confirmed version was installed by an
     * update (its metadata is stored) but the rollback floor is below it, a power cut fell between
     * {@link #confirm()}'s two writes: the floor is raised to it now.
     *
     * @return what this start runs; {@link BootStatus#rolledBack()} when a trial was abandoned
     * @throws IOException when the boot state or the metadata store cannot be read or written
     * @throws GeneralSecurityException when the rollback counter cannot be read or raised
     */
    public synchronized BootStatus start() throws IOException, GeneralSecurityException {
        status = boot.boot();
        repairFloor(status);
        if (supportPeriods != null) {
            supportPeriods.apply(status.runningVersion()).ifPresent(date -> supportUntil = date);
        }
        if (status.rolledBack()) {
            String reason = status.rollbackReason().orElse("not confirmed within " + trialPolicy);
            LOG.warn("Trial rolled back at start: {}; running {}", reason, status);
            listener.onRolledBack(status, reason);
            if (status.runningSlot() != status.confirmedSlot()) {
                // A real bootloader started the trial slot; the confirmed slot runs after a restart.
                restart.run();
            }
        }
        if (status.trialSlot().isPresent() && status.trialSince().isPresent()) {
            Instant deadline = status.trialSince().get().plus(trialPolicy.maxDuration());
            long delay = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
            executor.schedule(this::trialDeadline, delay, TimeUnit.MILLISECONDS);
        }
        scheduleCheck(schedule.initialDelay());
        return status;
    }

    private void repairFloor(BootStatus s) throws IOException, GeneralSecurityException {
        long confirmed = s.confirmedVersion();
        if (s.trialSlot().isPresent() || confirmed <= counter.current()) {
            return;
        }
        if (metadataStore.load(confirmed).isPresent()) {
            LOG.warn("Version {} is confirmed but the rollback floor is {}: raising it to the confirmed version",
                    confirmed, counter.current());
            counter.advance(confirmed);
        }
    }

    /**
     * The boot status of this start (after {@link #start()}), updated by confirm, rollback and install.
     *
     * @return the current boot status
     * @throws IllegalStateException when {@link #start()} was not called
     */
    public BootStatus status() {
        BootStatus s = status;
        if (s == null) {
            throw new IllegalStateException("call start() first");
        }
        return s;
    }

    /**
     * The version this start runs.
     *
     * @return the running slot's version
     * @throws IllegalStateException when {@link #start()} was not called
     */
    public long installedVersion() {
        return status().runningVersion();
    }

    /**
     * Confirms the version on trial after the application's health check passed: it becomes the
     * confirmed slot and the rollback floor rises to its version. Does nothing outside a trial.
     *
     * <p>First the running image is checked against the signed metadata stored for its version
     * ({@link UpdateVerifier#verifyInstalled}); a trial that cannot be verified is never confirmed,
     * and the trial policy rolls it back. The two writes (boot state, then floor) are not atomic
     * together; a power cut between them is repaired by the next {@link #start()}.
     *
     * @throws MissingMetadataException when no signed metadata is stored for the running version
     * @throws UpdateException when the running image does not match it (for example
     *     {@link ImageHashException}); reported to the listener too
     * @throws IOException when the slot, the boot state or the metadata store cannot be read or written
     * @throws GeneralSecurityException when the rollback counter cannot be raised
     */
    public synchronized void confirm() throws IOException, GeneralSecurityException {
        BootStatus s = status();
        if (!s.trialSlot().isPresent() || s.runningSlot() != s.trialSlot().get()) {
            return;
        }
        try {
            byte[] envelope = metadataStore.load(s.runningVersion())
                    .orElseThrow(() -> new MissingMetadataException(s.runningVersion()));
            try (InputStream in = boot.openForRead(s.runningSlot())) {
                verifier.verifyInstalled(envelope, s.runningVersion(), in);
            }
        } catch (UpdateException e) {
            LOG.warn("Version {} on trial not confirmed: {}", s.runningVersion(), e.getMessage());
            listener.onRefused(e);
            throw e;
        }
        boot.confirm();
        counter.advance(s.runningVersion());
        status = boot.status();
        LOG.info("Version {} confirmed", s.runningVersion());
        listener.onConfirmed(s.runningVersion());
    }

    /**
     * Abandons the trial at once: the trial slot is marked failed, the confirmed slot runs from the next
     * start, the listener hears {@link UpdateListener#onRolledBack(BootStatus, String)} with
     * {@code reason}, and the restart hook runs. Use it when the health check of a version on trial
     * fails: the device does not wait for the trial's remaining starts. Does nothing when no trial is
     * pending or running.
     *
     * @param reason why, for the log and the security event (no secrets)
     * @return whether a trial was rolled back
     * @throws IOException when the boot state cannot be written
     */
    public synchronized boolean rollback(String reason) throws IOException {
        Objects.requireNonNull(reason, "reason");
        BootStatus s = status();
        if (!s.trialSlot().isPresent()) {
            return false;
        }
        LOG.warn("Version {} on trial rolled back: {}", s.version(s.trialSlot().get()), reason);
        boot.rollback();
        status = boot.status();
        listener.onRolledBack(status, reason);
        restart.run();
        return true;
    }

    /**
     * The trial policy, as the boot control enforces it.
     *
     * @return the boot control's trial policy
     */
    public TrialPolicy trialPolicy() {
        return trialPolicy;
    }

    /**
     * Checks the source now and installs a verified offer into the inactive slot, on trial from
     * the next start (the restart hook runs). Refusals are reported to the listener and thrown.
     * While a trial is pending nothing is checked (empty is returned) until it is confirmed or rolled back.
     *
     * @return the installed update, or empty when the source had nothing or a trial is pending
     * @throws UpdateException when the offer is refused: a new root, the metadata or the image fails
     *     verification (for example {@link RollbackException}, {@link ImageHashException}); reported to the
     *     listener too, and the new version is not put on trial
     * @throws GeneralSecurityException when the rollback counter cannot be read
     * @throws IOException when the source cannot be polled or the image read, or the slot, the boot state,
     *     the trusted root store or the metadata store cannot be read or written
     * @throws IllegalStateException when {@link #start()} was not called
     */
    public Optional<VerifiedUpdate> checkNow() throws IOException, GeneralSecurityException {
        return check(true);
    }

    private synchronized Optional<VerifiedUpdate> check(boolean install) throws IOException, GeneralSecurityException {
        raiseSupportEndIfDue();
        BootStatus s = status();
        if (s.trialSlot().isPresent()) {
            LOG.debug("A trial is pending: no update check until it is confirmed or rolled back");
            return Optional.empty();
        }
        Optional<UpdateOffer> offer = source.poll(s.runningVersion());
        if (!offer.isPresent() || !install) {
            return Optional.empty();
        }
        try {
            long trusted = verifier.trustedRoot().version();
            for (byte[] root : offer.get().rootChain()) {
                long v = RootMetadata.parse(Envelope.parse(root, MetadataLimits.DEFAULT).payload(),
                        MetadataLimits.DEFAULT).version();
                if (v > trusted) {
                    trusted = verifier.updateRoot(root).version();
                }
            }
            VerifiedUpdate update = verifier.verifyMetadata(offer.get().metadataEnvelope(), s.runningVersion());
            Slot target = s.confirmedSlot().other();
            boot.beginInstall(target);
            try (InputStream in = offer.get().openImage(); OutputStream out = boot.openForWrite(target)) {
                UpdateVerifier.copyImage(update, in, out);
            }
            boot.markInstalled(target, update.metadata().version());
            // The metadata is stored before the trial starts: no start ever runs a version without it.
            metadataStore.save(update, s.confirmedVersion());
            boot.startTrial(target);
            status = boot.status();
            update.metadata().supportUntil().ifPresent(d -> supportUntil = d);
            LOG.info("Version {} installed in slot {}; on trial from the next start", update.metadata().version(),
                    target);
            listener.onInstalled(update.metadata());
            restart.run();
            return Optional.of(update);
        } catch (UpdateException e) {
            LOG.warn("Update refused: {}", e.getMessage());
            listener.onRefused(e);
            throw e;
        }
    }

    /**
     * Turns scheduled installs on or off (on by default). When off, scheduled checks still run the trial
     * deadline and the support-end check; {@link #checkNow()} still installs.
     *
     * @param on whether scheduled checks install verified offers
     */
    public void setAutomaticUpdates(boolean on) {
        automatic = on;
    }

    /**
     * Whether scheduled checks install verified offers.
     *
     * @return the value last given to {@link #setAutomaticUpdates} (true by default)
     */
    public boolean automaticUpdates() {
        return automatic;
    }

    /**
     * Skips scheduled installs until {@code duration} from now (the trial deadline and the support-end check
     * still run); replaces an earlier postponement.
     *
     * @param duration how long to postpone, not negative
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public void postpone(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative");
        }
        postponedUntil = clock.instant().plus(duration);
    }

    /**
     * The last day of security support announced by the manufacturer, when known.
     *
     * @return the support end, or empty when not known
     */
    public Optional<LocalDate> supportUntil() {
        return Optional.ofNullable(supportUntil);
    }

    private void raiseSupportEndIfDue() {
        LocalDate end = supportUntil;
        if (end != null && !supportEndRaised && clock.instant().atOffset(ZoneOffset.UTC).toLocalDate().isAfter(end)) {
            supportEndRaised = true;
            LOG.warn("Security support ended on {}", end);
            listener.onSupportEnded(end);
        }
    }

    private void scheduledCheck() {
        try {
            trialDeadline();
            if (automatic && !clock.instant().isBefore(postponedUntil)) {
                check(true);
            } else {
                raiseSupportEndIfDue();
            }
        } catch (UpdateException e) {
            // Already reported through onRefused.
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("Update check failed: {}", e.toString());
            listener.onCheckFailed(e);
        } finally {
            scheduleCheck(schedule.period());
        }
    }

    private synchronized void scheduleCheck(Duration base) {
        if (closed) {
            return;
        }
        long jitter = schedule.jitter().toMillis();
        long offset = jitter == 0 ? 0 : (long) ((RANDOM.nextDouble() * 2 - 1) * jitter);
        long delay = Math.max(0, base.toMillis() + offset);
        nextCheck = executor.schedule(this::scheduledCheck, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void trialDeadline() {
        try {
            BootStatus s = boot.status();
            if (closed) {
                return;
            }
            if (s.trialSlot().isPresent() && s.trialSince().isPresent()
                    && !clock.instant().isBefore(s.trialSince().get().plus(trialPolicy.maxDuration()))) {
                String reason = "not confirmed within " + trialPolicy.maxDuration() + " of the switch";
                LOG.warn("Version {} on trial rolled back: {}", s.version(s.trialSlot().get()), reason);
                boot.rollback();
                status = boot.status();
                listener.onRolledBack(status, reason);
                restart.run();
            }
        } catch (IOException | RuntimeException e) {
            listener.onCheckFailed(e);
        }
    }

    /** Stops scheduled work (and the agent's own thread when it made one). */
    @Override
    public synchronized void close() {
        closed = true;
        if (nextCheck != null) {
            nextCheck.cancel(false);
        }
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    /**
     * Builds an {@link UpdateAgent}; verifier, boot control, rollback counter, installed-metadata
     * store and source are required.
     */
    public static final class Builder {
        private UpdateVerifier verifier;
        private BootControl bootControl;
        private RollbackCounter counter;
        private InstalledMetadataStore metadataStore;
        private UpdateSource source;
        private UpdateListener listener = new UpdateListener() { };
        private UpdateSchedule schedule = UpdateSchedule.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private Runnable restart = () -> { };
        private ScheduledExecutorService executor;
        private LocalDate supportUntil;
        private LongFunction<Optional<LocalDate>> supportPeriods;

        private Builder() {
        }

        /**
         * The verifier of roots, metadata and images. Required.
         *
         * @param verifier the verifier
         * @return this builder
         */
        public Builder verifier(UpdateVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /**
         * The boot state machine; its {@link BootControl#trialPolicy()} is the trial policy the agent
         * applies (given once, where the boot control is made). Required.
         *
         * @param bootControl the boot control
         * @return this builder
         */
        public Builder bootControl(BootControl bootControl) {
            this.bootControl = Objects.requireNonNull(bootControl, "bootControl");
            return this;
        }

        /**
         * The same counter the verifier checks; raised on {@link UpdateAgent#confirm()}. Required.
         *
         * @param counter the rollback counter
         * @return this builder
         */
        public Builder rollbackCounter(RollbackCounter counter) {
            this.counter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /**
         * Where the signed metadata of installed versions is kept: written before each trial starts,
         * read to verify a trial before {@link UpdateAgent#confirm()} confirms it.
         *
         * @param store the store (durable on a device)
         * @return this builder
         */
        public Builder installedMetadataStore(InstalledMetadataStore store) {
            this.metadataStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Where offers come from. Required.
         *
         * @param source the update source
         * @return this builder
         */
        public Builder source(UpdateSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Hears installs, refusals, confirmations, rollbacks and failed checks (default: a listener that
         * does nothing).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(UpdateListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * When scheduled checks run (default {@link UpdateSchedule#DEFAULT}).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder schedule(UpdateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * The clock for the trial deadline, postponements and the support end (default the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs after an install or a rollback so the device restarts into the right slot (default: does
         * nothing).
         *
         * @param restart the hook
         * @return this builder
         */
        public Builder restartHook(Runnable restart) {
            this.restart = Objects.requireNonNull(restart, "restart");
            return this;
        }

        /**
         * The support end of the running version, when the application knows it from its metadata.
         *
         * @param date the last day of security support, or null when not known
         * @return this builder
         */
        public Builder supportUntil(LocalDate date) {
            this.supportUntil = date;
            return this;
        }

        /**
         * How to find the support end of a version (for example from the signed metadata it was installed
         * with): asked once in {@link UpdateAgent#start()} for the version that start runs, so the support
         * period is known after a restart and not only after an install in the same process.
         *
         * @param lookup maps a version to its support end, or to empty when not known
         * @return this builder
         */
        public Builder supportPeriods(LongFunction<Optional<LocalDate>> lookup) {
            this.supportPeriods = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /**
         * Runs checks on this executor instead of a thread of the agent's own; {@link UpdateAgent#close()}
         * then leaves it running.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the agent; call {@link UpdateAgent#start()} to run the boot decision and schedule checks.
         *
         * @return the agent
         * @throws IllegalArgumentException naming a missing required field
         */
        public UpdateAgent build() {
            if (verifier == null) {
                throw new IllegalArgumentException("verifier is required");
            }
            if (bootControl == null) {
                throw new IllegalArgumentException("bootControl is required");
            }
            if (counter == null) {
                throw new IllegalArgumentException("rollbackCounter is required");
            }
            if (source == null) {
                throw new IllegalArgumentException("source is required");
            }
            if (metadataStore == null) {
                throw new IllegalArgumentException("installedMetadataStore is required");
            }
            return new UpdateAgent(this);
        }
    }
}
