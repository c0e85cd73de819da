package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.EventAdapters;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEventJson;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.internal.KeystoreInstalledMetadataStore;
import io.devsec.core.internal.KeystoreRollbackCounter;
import io.devsec.core.internal.KeystoreTrustedRootStore;
import io.devsec.core.internal.UpdateListeners;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.Envelope;
import io.devsec.update.InstalledMetadataStore;
import io.devsec.update.RollbackCounter;
import io.devsec.update.TrustedRootStore;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firmware of the device (provisions 4.3 and 4.7): the update agents, the trusted root and rollback floor,
 * the signed metadata of installed versions, the integrity check of the running image and the compromised
 * mark. Owns the keystore entries under {@value #PREFIX} and its own lock; it reaches the MQTT clients only
 * through {@link Quarantine}, and they see it through {@link IntegrityState}.
 */
final class FirmwarePart implements IntegrityState {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    static final String PREFIX = "update/";
    static final String UPDATE_ROOT = PREFIX + "trusted-root";
    static final String UPDATE_FLOOR = PREFIX + "rollback-floor";
    static final String INSTALLED_METADATA = PREFIX + "installed-metadata/";
    static final String COMPROMISED = PREFIX + "compromised";
    /** The key authenticating the default boot state file (a status byte, then 32 random bytes); kept by a reset. */
    static final String BOOT_STATE_KEY = PREFIX + "boot-state-key";

    /** What {@link #verifyIntegrity()} needs from the last {@link #startUpdates} of this run. */
    private static final class IntegrityCheck {
        final UpdateVerifier verifier;
        final BootControl boot;
        final Optional<byte[]> factoryMetadata;
        final long factoryVersion;

        IntegrityCheck(UpdateVerifier verifier, BootControl boot, Optional<byte[]> factoryMetadata, long factoryVersion) {
            this.verifier = verifier;
            this.boot = boot;
            this.factoryMetadata = factoryMetadata;
            this.factoryVersion = factoryVersion;
        }
    }

    private final Object lock = new Object();
    private final KeystoreSlice keystore;
    private final TrustedRootStore rootStore;
    private final RollbackCounter rollbackCounter;
    private final InstalledMetadataStore installedMetadata;
    private final SecurityEvents events;
    private final DeviceIdentity identity;
    private final Clock clock;
    private final SecureRandom random;
    private final Path dataFolder;
    private final String alertTopic;
    private final List<Quarantine> quarantines = new CopyOnWriteArrayList<>();
    /** Guarded by lock. */
    private final List<UpdateAgent> agents = new ArrayList<>();
    private IntegrityCheck lastCheck;
    private UpdateSettings lastUpdateSettings;
    private DeviceStatus.SoftwareIntegrity integrity = DeviceStatus.SoftwareIntegrity.NOT_CHECKED;
    private boolean compromised;
    private long verifiedVersion = -1;
    private boolean closed;

    FirmwarePart(Keystore keystore, SecurityEvents events, DeviceIdentity identity, Clock clock, SecureRandom random,
            Path dataFolder, String alertTopic) {
        this.keystore = new KeystoreSlice(keystore, PREFIX);
        this.rootStore = new KeystoreTrustedRootStore(this.keystore, UPDATE_ROOT);
        this.rollbackCounter = new KeystoreRollbackCounter(this.keystore, UPDATE_FLOOR);
        this.installedMetadata = new KeystoreInstalledMetadataStore(this.keystore, INSTALLED_METADATA);
        this.events = Objects.requireNonNull(events, "events");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.dataFolder = Objects.requireNonNull(dataFolder, "dataFolder");
        this.alertTopic = Objects.requireNonNull(alertTopic, "alertTopic");
    }

    /** Registers who quarantines the MQTT clients on an integrity failure. */
    void addQuarantine(Quarantine quarantine) {
        quarantines.add(Objects.requireNonNull(quarantine, "quarantine"));
    }

    /** Reads the compromised mark at start. */
    void start() {
        boolean marked = keystore.contains(COMPROMISED);
        synchronized (lock) {
            compromised = marked;
        }
        if (marked) {
            Log.LOG.warn("Device {} is marked compromised: MQTT is quarantined until a valid update is installed",
                    identity.deviceId());
        }
    }

    /**
     * Whether a factory reset keeps {@code name}: the trusted update root (a reset must not take the device back to
     * the shipped root), the installed metadata (firmware integrity), the compromised mark and the boot state key.
     */
    boolean keepsOnReset(String name) {
        return name.equals(UPDATE_ROOT) || name.startsWith(INSTALLED_METADATA) || name.equals(COMPROMISED)
                || name.equals(BOOT_STATE_KEY);
    }

    TrustedRootStore trustedRootStore() {
        return rootStore;
    }

    RollbackCounter rollbackCounter() {
        return rollbackCounter;
    }

    @Override
    public boolean compromised() {
        synchronized (lock) {
            return compromised;
        }
    }

    @Override
    public boolean checkConfigured() {
        synchronized (lock) {
            return lastCheck != null;
        }
    }

    /** The agents started in this process, for DevSec's {@code check_update} command. */
    List<UpdateAgent> agents() {
        synchronized (lock) {
            return new ArrayList<>(agents);
        }
    }

    /** The integrity as the status shows it. */
    DeviceStatus.SoftwareIntegrity integrityNow() {
        synchronized (lock) {
            return compromised ? DeviceStatus.SoftwareIntegrity.COMPROMISED : integrity;
        }
    }

    boolean automaticUpdatesOn() {
        synchronized (lock) {
            for (UpdateAgent a : agents) {
                if (!a.automaticUpdates()) {
                    return false;
                }
            }
            return !agents.isEmpty();
        }
    }

    // ------------------------------------------------------------------ updates

    /** See {@link DeviceSecurity#startUpdates}. */
    UpdateAgent startUpdates(UpdateSettings settings) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(settings, "settings");
        UpdateAgent agent;
        synchronized (lock) {
            Clock c = settings.clock().orElse(clock);
            BootControl boot;
            if (settings.bootControl().isPresent()) {
                boot = settings.bootControl().get();
            } else if (settings.bootEnvironment().isPresent()) {
                boot = BootControl.onBootloader(settings.bootEnvironment().get(), settings.slotImage(true).get(),
                        settings.slotImage(false).get(), settings.trialPolicy(), c, settings.factoryVersion());
            } else {
                Path slots = settings.slotsFolder().orElse(dataFolder.resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER));
                AtomicFiles.createOwnerOnlyDirectories(slots);
                boot = fileBootControl(slots, settings, c);
            }
            UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(settings.initialRoot())
                    .trustedRootStore(rootStore).rollbackCounter(rollbackCounter).hardwareId(settings.hardwareId())
                    .clock(c).limits(settings.limits()).build();
            // Checks the shipped root now (signed by a threshold of its own keys) and, on the first start,
            // stores it in the keystore: from then on only a newer root signed by this one replaces it.
            verifier.trustedRoot();
            UpdateListener own = new UpdateListener() {
                @Override
                public void onConfirmed(long version) {
                    integrityAfterConfirm(version);
                }
            };
            UpdateListener listener = EventAdapters.updateListener(events, UpdateListeners.chain(own, settings.listener()));
            // The support period of the running version comes from the signed metadata it was installed with,
            // so it is known (and its end reported) after a restart too, not only after an install.
            // The agent stores each update's signed metadata here before its trial starts, and checks a trial
            // against it before confirming.
            agent = UpdateAgent.builder().verifier(verifier).bootControl(boot).rollbackCounter(rollbackCounter)
                    .installedMetadataStore(installedMetadata).source(settings.source()).listener(listener)
                    .schedule(settings.schedule()).clock(c).restartHook(settings.restartHook())
                    .supportPeriods(version -> supportUntilOf(version, settings)).build();
            agents.add(agent);
            lastCheck = new IntegrityCheck(verifier, boot, settings.factoryMetadata(), settings.factoryVersion());
            lastUpdateSettings = settings;
        }
        BootStatus status = agent.start();
        DeviceStatus.SoftwareIntegrity checked = verifyIntegrity();
        boolean onTrial = status.trialSlot().isPresent() && status.trialSlot().get() == status.runningSlot();
        if (onTrial && checked != DeviceStatus.SoftwareIntegrity.VERIFIED) {
            // Only a trial whose image matches its stored signed metadata is ever confirmed.
            Log.LOG.warn("Version {} on trial is {}: not confirmed, the trial policy rolls it back",
                    status.runningVersion(), checked);
        } else if (onTrial && settings.healthCheck().isPresent()) {
            long version = status.runningVersion();
            boolean healthy;
            try {
                settings.healthCheck().get().check();
                healthy = true;
            } catch (Exception e) {
                healthy = false;
                String reason = "health check failed: " + describe(e);
                Log.LOG.warn("Version {} on trial: {}; rolling back at once", version, reason);
                // At once, not after the trial's remaining starts; the reason reaches the listener and the event.
                agent.rollback(reason);
            }
            if (healthy) {
                try {
                    agent.confirm(); // checks the image against its metadata once more, then confirms
                    Log.LOG.info("Health check of version {} passed: confirmed", version);
                } catch (UpdateException e) {
                    // Reported to the listener by the agent; the trial policy rolls the version back.
                    Log.LOG.warn("Version {} on trial not confirmed: {}", version, e.getClass().getSimpleName());
                }
            }
        }
        return agent;
    }

    /** The exception's class and message, on one line and at most 200 characters (for the log and the event). */
    private static String describe(Exception e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        text = text.replace('\r', ' ').replace('\n', ' ');
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /**
     * The default file-based boot control, its state file authenticated with a random 32-byte key kept in the
     * keystore ({@link #BOOT_STATE_KEY}: one status byte, then the key). On the first start with a key (status 0)
     * a state file in the old unauthenticated format, written before keys existed, is trusted once and rewritten
     * authenticated; once that start succeeded (status 1) such a file is refused. Called with the lock held.
     */
    private BootControl fileBootControl(Path slots, UpdateSettings settings, Clock c) throws IOException, KeystoreException {
        Optional<byte[]> stored = keystore.secret(BOOT_STATE_KEY);
        byte[] entry;
        if (stored.isPresent() && stored.get().length == 33) {
            entry = stored.get();
        } else if (stored.isPresent()) {
            throw new CorruptKeystoreException("The boot state key has the wrong length.");
        } else {
            entry = new byte[33];
            byte[] key = new byte[32];
            random.nextBytes(key);
            System.arraycopy(key, 0, entry, 1, 32);
            Arrays.fill(key, (byte) 0);
            keystore.putSecret(BOOT_STATE_KEY, entry);
        }
        byte[] key = Arrays.copyOfRange(entry, 1, 33);
        try {
            if (entry[0] == 1) {
                return BootControl.fileBased(slots, settings.trialPolicy(), c, settings.factoryVersion(), key);
            }
            BootControl boot = BootControl.fileBasedUpgradingInsecureLegacyState(slots, settings.trialPolicy(), c,
                    settings.factoryVersion(), key);
            entry[0] = 1;
            keystore.putSecret(BOOT_STATE_KEY, entry);
            return boot;
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(entry, (byte) 0);
        }
    }

    /** See {@link DeviceSecurity#verifyIntegrity()}. */
    DeviceStatus.SoftwareIntegrity verifyIntegrity() throws IOException, KeystoreException {
        IntegrityCheck check;
        synchronized (lock) {
            check = lastCheck;
        }
        if (check == null) {
            throw new IllegalStateException("call startUpdates first: integrity is checked against its verifier");
        }
        String deviceId = identity.deviceId();
        BootStatus status = check.boot.status();
        long version = status.runningVersion();
        Optional<byte[]> envelope = installedMetadata.load(version);
        if (!envelope.isPresent() && version == check.factoryVersion) {
            envelope = check.factoryMetadata;
        }
        if (!envelope.isPresent()) {
            synchronized (lock) {
                integrity = DeviceStatus.SoftwareIntegrity.UNVERIFIABLE;
                verifiedVersion = -1;
            }
            // Not silent: a running version nobody can check is a security event (and a status finding).
            Log.LOG.warn("Version {} of device {} has no signed metadata: its integrity cannot be checked", version, deviceId);
            events.publish(SecurityEvent.builder(SecurityEvent.Type.INTEGRITY_UNVERIFIABLE, SecurityEvent.Source.UPDATE)
                    .time(clock.instant()).attribute("version", Long.toString(version))
                    .attribute("slot", status.runningSlot().name()).attribute("integrity", "UNVERIFIABLE").build());
            return DeviceStatus.SoftwareIntegrity.UNVERIFIABLE;
        }
        String failure = null;
        try (InputStream in = check.boot.openForRead(status.runningSlot())) {
            check.verifier.verifyInstalled(envelope.get(), version, in);
        } catch (NoSuchFileException e) {
            failure = "ImageMissing";
        } catch (GeneralSecurityException e) {
            failure = e.getClass().getSimpleName();
        }
        boolean onTrial = status.trialSlot().isPresent() && status.trialSlot().get() == status.runningSlot();
        if (failure == null) {
            boolean lift = false;
            synchronized (lock) {
                integrity = DeviceStatus.SoftwareIntegrity.VERIFIED;
                verifiedVersion = version;
                if (compromised && !onTrial) {
                    // A verified, confirmed version runs again (the compromised one was replaced).
                    lift = clearCompromised();
                }
            }
            if (lift) {
                liftQuarantine();
            }
            Log.LOG.info("Version {} of device {} matches its signed metadata", version, deviceId);
            return DeviceStatus.SoftwareIntegrity.VERIFIED;
        }
        markCompromised(version, status.runningSlot().name(), failure);
        return DeviceStatus.SoftwareIntegrity.COMPROMISED;
    }

    /**
     * The support-until date in the signed metadata that {@code version} was installed with (kept in the
     * keystore, or the factory metadata for the factory version); empty when there is none or it is unreadable.
     */
    private Optional<LocalDate> supportUntilOf(long version, UpdateSettings settings) {
        Optional<byte[]> envelope;
        try {
            envelope = installedMetadata.load(version);
        } catch (IOException e) {
            Log.LOG.warn("Keystore unreadable ({}): support period of version {} unknown", e.getClass().getSimpleName(), version);
            return Optional.empty();
        }
        if (!envelope.isPresent() && version == settings.factoryVersion()) {
            envelope = settings.factoryMetadata();
        }
        if (!envelope.isPresent()) {
            return Optional.empty();
        }
        try {
            return UpdateMetadata.parse(Envelope.parse(envelope.get(), settings.limits()).payload(), settings.limits())
                    .supportUntil();
        } catch (UpdateException e) {
            // Verified when it was installed; unreadable now means damage, which verifyIntegrity reports.
            Log.LOG.warn("Stored metadata of version {} is unreadable ({}): support period unknown", version,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private void markCompromised(long version, String slot, String reason) throws IOException, KeystoreException {
        SecurityEvent event = SecurityEvent.builder(SecurityEvent.Type.INTEGRITY_FAILURE, SecurityEvent.Source.UPDATE)
                .time(clock.instant()).attribute("version", Long.toString(version)).attribute("slot", slot)
                .attribute("reason", reason).build();
        synchronized (lock) {
            keystore.putSecret(COMPROMISED, Long.toString(version).getBytes(StandardCharsets.UTF_8));
            compromised = true;
            integrity = DeviceStatus.SoftwareIntegrity.COMPROMISED;
            verifiedVersion = -1;
        }
        // Set before the clients are told: a client made from now on is quarantined as it is made.
        for (Quarantine q : quarantines) {
            q.quarantineAll();
        }
        Log.LOG.warn("Software integrity check of device {} FAILED for version {} in slot {} ({}): compromised, MQTT quarantined",
                identity.deviceId(), version, slot, reason);
        events.publish(event);
        byte[] alert = SecurityEventJson.toJson(event).getBytes(StandardCharsets.UTF_8);
        for (Quarantine q : quarantines) {
            q.publishAlert(alert);
        }
    }

    /** Deletes the mark; called with the lock held. Returns whether the quarantine is to be lifted. */
    private boolean clearCompromised() {
        try {
            keystore.delete(COMPROMISED);
        } catch (IOException | KeystoreException e) {
            Log.LOG.warn("Could not clear the compromised mark of device {}: {}", identity.deviceId(), e.toString());
            return false;
        }
        compromised = false;
        return true;
    }

    private void liftQuarantine() {
        for (Quarantine q : quarantines) {
            q.liftAll();
        }
        Log.LOG.warn("Device {} runs a verified, confirmed version again: quarantine lifted", identity.deviceId());
    }

    /** A confirmed trial version that passed the integrity check at this start lifts the quarantine. */
    private void integrityAfterConfirm(long version) {
        boolean lift = false;
        synchronized (lock) {
            if (compromised && !closed && verifiedVersion == version) {
                lift = clearCompromised();
            }
        }
        if (lift) {
            liftQuarantine();
        }
    }

    // ------------------------------------------------------------------ status, surface and conformance

    /** The integrity lines of the health check. */
    void contributeIntegrityStatus(StatusFindings findings, DeviceStatus.SoftwareIntegrity checked) {
        switch (checked) {
            case COMPROMISED:
                findings.problem("integrity", "Device compromised: the installed software does "
                        + "not match its signed metadata. MQTT is quarantined (only " + alertTopic
                        + " is reachable): install a valid update");
                break;
            case VERIFIED:
                findings.ok("integrity", "Installed software matches its signed metadata");
                break;
            case UNVERIFIABLE:
                findings.action("integrity", "Installed software cannot be verified: no signed "
                        + "metadata for the running version (for a factory image: set UpdateSettings.builder(...)"
                        + ".factoryMetadata(...))");
                break;
            default:
                break;
        }
    }

    /** The update lines of the health check. */
    void contributeUpdateStatus(StatusFindings findings) {
        boolean none;
        synchronized (lock) {
            none = agents.isEmpty();
        }
        if (none) {
            findings.action("updates", "Automatic updates off: call device.startUpdates(...)");
        } else if (!automaticUpdatesOn()) {
            findings.action("updates", "Automatic updates switched off: agent.setAutomaticUpdates(true)");
        } else {
            findings.ok("updates", "Signed automatic updates on");
        }
    }

    /** The number of update agents started here. */
    int agentCount() {
        synchronized (lock) {
            return agents.size();
        }
    }

    /** The updates feature of the attack surface. */
    void contributeSurface(AttackSurfaceReport.Builder b) {
        if (agentCount() > 0) {
            b.feature("updates", "signed updates with anti-rollback and A/B slots, automatic "
                    + (automaticUpdatesOn() ? "on" : "off"));
        }
    }

    /** The evidence of signed and automatic updates, the support period and the integrity check. */
    void contributeFacts(ConformanceFacts.Builder typed, EvidenceSink sink) throws IOException, GeneralSecurityException {
        synchronized (lock) {
            Optional<byte[]> root = rootStore.load();
            if (root.isPresent()) {
                StringBuilder d = new StringBuilder("trusted update root in the keystore (" + UPDATE_ROOT
                        + "), anti-rollback floor version " + rollbackCounter.current());
                if (lastCheck != null) {
                    io.devsec.update.RootMetadata r = lastCheck.verifier.trustedRoot();
                    d.append("; updates need ").append(r.updateThreshold()).append(" of ").append(r.updateKeyIds().size())
                            .append(" Ed25519 signatures (DSSE), hash and length checked");
                }
                sink.add(Mechanism.UPDATE_SIGNED, Evidence.observed(Mechanism.UPDATE_SIGNED, true, d.toString()));
            } else {
                sink.add(Mechanism.UPDATE_SIGNED, Evidence.notAssessed(Mechanism.UPDATE_SIGNED,
                        "no trusted update root in the keystore: updates were never started on this device"));
            }
            if (agents.isEmpty()) {
                String why = "no update agent was started by this process";
                sink.add(Mechanism.UPDATE_AUTOMATIC, Evidence.notAssessed(Mechanism.UPDATE_AUTOMATIC, why));
                sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.notAssessed(Mechanism.SUPPORT_PERIOD_METADATA, why));
            } else {
                UpdateSettings us = lastUpdateSettings;
                boolean auto = automaticUpdatesOn();
                sink.add(Mechanism.UPDATE_AUTOMATIC, Evidence.configured(Mechanism.UPDATE_AUTOMATIC, auto, auto
                        ? "automatic checks every " + us.schedule().period() + " with jitter, installed without user steps"
                        : "automatic updates are off: each update needs the application to ask"));
                Optional<LocalDate> until = Optional.empty();
                for (UpdateAgent a : agents) {
                    if (a.supportUntil().isPresent()) {
                        until = a.supportUntil();
                    }
                }
                if (until.isPresent()) {
                    typed.supportUntil(until.get());
                    sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.observed(Mechanism.SUPPORT_PERIOD_METADATA,
                            true, "signed update metadata says support until " + until.get()));
                } else {
                    sink.add(Mechanism.SUPPORT_PERIOD_METADATA, Evidence.notAssessed(Mechanism.SUPPORT_PERIOD_METADATA,
                            "the signed update metadata carries no support-until date"));
                }
            }
            if (lastCheck == null) {
                typed.integrityCheck(ConformanceFacts.IntegrityCheck.NOT_CONFIGURED);
                sink.add(Mechanism.INTEGRITY_CHECK, Evidence.notAssessed(Mechanism.INTEGRITY_CHECK,
                        "updates were not started in this process, so the installed software was not checked"));
            } else if (compromised) {
                typed.integrityCheck(ConformanceFacts.IntegrityCheck.FAILED);
                sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, false,
                        "the installed software does NOT match its signed metadata (device compromised)"));
            } else if (integrity == DeviceStatus.SoftwareIntegrity.VERIFIED) {
                typed.integrityCheck(ConformanceFacts.IntegrityCheck.PASSED);
                sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, true,
                        "the installed software matched its signed metadata at start (not a secure boot)"));
            } else if (integrity == DeviceStatus.SoftwareIntegrity.UNVERIFIABLE) {
                typed.integrityCheck(ConformanceFacts.IntegrityCheck.UNVERIFIABLE);
                sink.add(Mechanism.INTEGRITY_CHECK, Evidence.observed(Mechanism.INTEGRITY_CHECK, false,
                        "no signed metadata is known for the running image, so it cannot be verified"));
            } else {
                typed.integrityCheck(ConformanceFacts.IntegrityCheck.NOT_YET_RUN);
                sink.add(Mechanism.INTEGRITY_CHECK, Evidence.notAssessed(Mechanism.INTEGRITY_CHECK,
                        "the integrity check has not run yet in this process"));
            }
        }
    }

    /** Closes the agents started here. */
    void close() {
        List<UpdateAgent> open;
        synchronized (lock) {
            closed = true;
            open = new ArrayList<>(agents);
            agents.clear();
        }
        for (UpdateAgent a : open) {
            a.close();
        }
    }
}
