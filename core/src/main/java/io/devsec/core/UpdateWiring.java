package io.devsec.core;

import io.devsec.core.events.EventAdapters;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEventJson;
import io.devsec.core.internal.UpdateListeners;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.Qos;
import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.Envelope;
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
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update and integrity wiring of {@link DeviceSecurity} (provisions 4.3 and 4.7): builds the update agent,
 * keeps the signed metadata of installed versions, checks the running image against it, and marks the device
 * compromised (quarantining its MQTT clients) or clears that mark. Every method takes the facade whose state
 * it reads and writes, under the facade's lock where the facade itself took it.
 */
final class UpdateWiring {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);

    private UpdateWiring() {}

    /** See {@link DeviceSecurity#startUpdates}. */
    static UpdateAgent startUpdates(DeviceSecurity facade, UpdateSettings settings)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(settings, "settings");
        UpdateAgent agent;
        synchronized (facade.lock()) {
            facade.ensureOpen();
            Clock c = settings.clock().orElse(facade.clock);
            BootControl boot;
            if (settings.bootControl().isPresent()) {
                boot = settings.bootControl().get();
            } else if (settings.bootEnvironment().isPresent()) {
                boot = BootControl.onBootloader(settings.bootEnvironment().get(), settings.slotImage(true).get(),
                        settings.slotImage(false).get(), settings.trialPolicy(), c, settings.factoryVersion());
            } else {
                Path slots = settings.slotsFolder().orElse(facade.dataFolder.resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER));
                AtomicFiles.createOwnerOnlyDirectories(slots);
                boot = fileBootControl(facade, slots, settings, c);
            }
            UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(settings.initialRoot())
                    .trustedRootStore(facade.rootStore).rollbackCounter(facade.rollbackCounter).hardwareId(settings.hardwareId())
                    .clock(c).limits(settings.limits()).build();
            // Checks the shipped root now (signed by a threshold of its own keys) and, on the first start,
            // stores it in the keystore: from then on only a newer root signed by this one replaces it.
            verifier.trustedRoot();
            UpdateListener own = new UpdateListener() {
                @Override
                public void onConfirmed(long version) {
                    integrityAfterConfirm(facade, version);
                }
            };
            UpdateListener listener = EventAdapters.updateListener(facade.events, UpdateListeners.chain(own, settings.listener()));
            // The support period of the running version comes from the signed metadata it was installed with,
            // so it is known (and its end reported) after a restart too, not only after an install.
            // The agent stores each update's signed metadata here before its trial starts, and checks a trial
            // against it before confirming.
            agent = UpdateAgent.builder().verifier(verifier).bootControl(boot).rollbackCounter(facade.rollbackCounter)
                    .installedMetadataStore(facade.installedMetadata).source(settings.source()).listener(listener).schedule(settings.schedule())
                    .clock(c).restartHook(settings.restartHook())
                    .supportPeriods(version -> supportUntilOf(facade, version, settings)).build();
            facade.agents.add(agent);
            facade.lastCheck = new DeviceSecurity.IntegrityCheck(verifier, boot, settings.factoryMetadata(), settings.factoryVersion());
            facade.lastUpdateSettings = settings;
        }
        BootStatus status = agent.start();
        DeviceStatus.SoftwareIntegrity checked = verifyIntegrity(facade);
        boolean onTrial = status.trialSlot().isPresent() && status.trialSlot().get() == status.runningSlot();
        if (onTrial && checked != DeviceStatus.SoftwareIntegrity.VERIFIED) {
            // Only a trial whose image matches its stored signed metadata is ever confirmed.
            LOG.warn("Version {} on trial is {}: not confirmed, the trial policy rolls it back",
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
                LOG.warn("Version {} on trial: {}; rolling back at once", version, reason);
                // At once, not after the trial's remaining starts; the reason reaches the listener and the event.
                agent.rollback(reason);
            }
            if (healthy) {
                try {
                    agent.confirm(); // checks the image against its metadata once more, then confirms
                    LOG.info("Health check of version {} passed: confirmed", version);
                } catch (UpdateException e) {
                    // Reported to the listener by the agent; the trial policy rolls the version back.
                    LOG.warn("Version {} on trial not confirmed: {}", version, e.getClass().getSimpleName());
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
     * keystore ({@link DeviceSecurity#BOOT_STATE_KEY}: one status byte, then the key). On the first start with
     * a key (status 0) a state file in the old unauthenticated format, written before keys existed, is trusted
     * once and rewritten authenticated; once that start succeeded (status 1) such a file is refused. Called
     * with the facade lock held.
     */
    private static BootControl fileBootControl(DeviceSecurity facade, Path slots, UpdateSettings settings, Clock c)
            throws IOException, KeystoreException {
        Optional<byte[]> stored = facade.keystore.secret(DeviceSecurity.BOOT_STATE_KEY);
        byte[] entry;
        if (stored.isPresent() && stored.get().length == 33) {
            entry = stored.get();
        } else if (stored.isPresent()) {
            throw new io.devsec.storage.CorruptKeystoreException("The boot state key has the wrong length.");
        } else {
            entry = new byte[33];
            byte[] key = new byte[32];
            facade.random.nextBytes(key);
            System.arraycopy(key, 0, entry, 1, 32);
            java.util.Arrays.fill(key, (byte) 0);
            facade.keystore.putSecret(DeviceSecurity.BOOT_STATE_KEY, entry);
        }
        byte[] key = java.util.Arrays.copyOfRange(entry, 1, 33);
        try {
            if (entry[0] == 1) {
                return BootControl.fileBased(slots, settings.trialPolicy(), c, settings.factoryVersion(), key);
            }
            BootControl boot = BootControl.fileBasedUpgradingInsecureLegacyState(slots, settings.trialPolicy(), c,
                    settings.factoryVersion(), key);
            entry[0] = 1;
            facade.keystore.putSecret(DeviceSecurity.BOOT_STATE_KEY, entry);
            return boot;
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
            java.util.Arrays.fill(entry, (byte) 0);
        }
    }

    /** See {@link DeviceSecurity#verifyIntegrity()}. */
    static DeviceStatus.SoftwareIntegrity verifyIntegrity(DeviceSecurity facade) throws IOException, KeystoreException {
        DeviceSecurity.IntegrityCheck check;
        synchronized (facade.lock()) {
            facade.ensureOpen();
            check = facade.lastCheck;
        }
        if (check == null) {
            throw new IllegalStateException("call startUpdates first: integrity is checked against its verifier");
        }
        BootStatus status = check.boot.status();
        long version = status.runningVersion();
        Optional<byte[]> envelope = facade.installedMetadata.load(version);
        if (!envelope.isPresent() && version == check.factoryVersion) {
            envelope = check.factoryMetadata;
        }
        if (!envelope.isPresent()) {
            synchronized (facade.lock()) {
                facade.integrity = DeviceStatus.SoftwareIntegrity.UNVERIFIABLE;
                facade.verifiedVersion = -1;
            }
            // Not silent: a running version nobody can check is a security event (and a status finding).
            LOG.warn("Version {} of device {} has no signed metadata: its integrity cannot be checked", version, facade.deviceId);
            facade.events.publish(SecurityEvent.builder(SecurityEvent.Type.INTEGRITY_UNVERIFIABLE, SecurityEvent.Source.UPDATE)
                    .time(facade.clock.instant()).attribute("version", Long.toString(version))
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
            synchronized (facade.lock()) {
                facade.integrity = DeviceStatus.SoftwareIntegrity.VERIFIED;
                facade.verifiedVersion = version;
                if (facade.compromised && !onTrial) {
                    // A verified, confirmed version runs again (the compromised one was replaced).
                    clearCompromised(facade);
                }
            }
            LOG.info("Version {} of device {} matches its signed metadata", version, facade.deviceId);
            return DeviceStatus.SoftwareIntegrity.VERIFIED;
        }
        markCompromised(facade, version, status.runningSlot().name(), failure);
        return DeviceStatus.SoftwareIntegrity.COMPROMISED;
    }

    /**
     * The support-until date in the signed metadata that {@code version} was installed with (kept in the
     * keystore, or the factory metadata for the factory version); empty when there is none or it is unreadable.
     */
    private static Optional<LocalDate> supportUntilOf(DeviceSecurity facade, long version, UpdateSettings settings) {
        Optional<byte[]> envelope;
        try {
            envelope = facade.installedMetadata.load(version);
        } catch (IOException e) {
            LOG.warn("Keystore unreadable ({}): support period of version {} unknown", e.getClass().getSimpleName(), version);
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
            LOG.warn("Stored metadata of version {} is unreadable ({}): support period unknown", version,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static void markCompromised(DeviceSecurity facade, long version, String slot, String reason) throws IOException, KeystoreException {
        List<DeviceSecurity.LiveClient> live;
        SecurityEvent event = SecurityEvent.builder(SecurityEvent.Type.INTEGRITY_FAILURE, SecurityEvent.Source.UPDATE)
                .time(facade.clock.instant()).attribute("version", Long.toString(version)).attribute("slot", slot)
                .attribute("reason", reason).build();
        synchronized (facade.lock()) {
            facade.keystore.putSecret(DeviceSecurity.COMPROMISED, Long.toString(version).getBytes(StandardCharsets.UTF_8));
            facade.compromised = true;
            facade.integrity = DeviceStatus.SoftwareIntegrity.COMPROMISED;
            facade.verifiedVersion = -1;
            live = facade.liveClients();
            for (DeviceSecurity.LiveClient c : live) {
                quarantine(facade, c.client);
            }
        }
        LOG.warn("Software integrity check of device {} FAILED for version {} in slot {} ({}): compromised, MQTT quarantined",
                facade.deviceId, version, slot, reason);
        facade.events.publish(event);
        byte[] alert = SecurityEventJson.toJson(event).getBytes(StandardCharsets.UTF_8);
        for (DeviceSecurity.LiveClient c : live) {
            try {
                c.client.publish(c.client.namespace().topic(facade.alertTopic), alert, Qos.AT_LEAST_ONCE);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not queue the integrity alert on client {}: {}", c.client.clientId(), e.toString());
            }
        }
    }

    /** Called with the facade lock held. */
    private static void clearCompromised(DeviceSecurity facade) {
        try {
            facade.keystore.delete(DeviceSecurity.COMPROMISED);
        } catch (IOException | KeystoreException e) {
            LOG.warn("Could not clear the compromised mark of device {}: {}", facade.deviceId, e.toString());
            return;
        }
        facade.compromised = false;
        for (DeviceSecurity.LiveClient c : facade.liveClients()) {
            liftQuarantine(facade, c.client);
        }
        LOG.warn("Device {} runs a verified, confirmed version again: quarantine lifted", facade.deviceId);
    }

    /** A confirmed trial version that passed the integrity check at this start lifts the quarantine. */
    private static void integrityAfterConfirm(DeviceSecurity facade, long version) {
        synchronized (facade.lock()) {
            if (facade.compromised && !facade.closed && facade.verifiedVersion == version) {
                clearCompromised(facade);
            }
        }
    }

    /** Quarantines a client: only the alert topic stays reachable; a client that cannot be quarantined is closed. */
    static void quarantine(DeviceSecurity facade, DeviceMqttClient client) {
        try {
            client.quarantine(facade.alertTopic);
        } catch (RuntimeException e) {
            LOG.warn("Could not quarantine MQTT client {} of compromised device {} ({}): closing it", client.clientId(),
                    facade.deviceId, e.toString());
            try {
                client.close();
            } catch (IOException closing) {
                LOG.warn("Closing MQTT client {} failed: {}", client.clientId(), closing.toString());
            }
        }
    }

    private static void liftQuarantine(DeviceSecurity facade, DeviceMqttClient client) {
        client.liftQuarantine();
    }
}
