package io.devsec.core;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.InvalidProvisioningRecordException.Problem;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of {@link DeviceSecurity}: on the first start it creates the identity and password (from the
 * provisioning record or generated) in one durable keystore batch that the identity and password parts both
 * write into; on later starts they load them. Not a part: a step of the composition root, which hands it the parts.
 */
final class DeviceStart {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    private DeviceStart() {}

    static void start(Keystore keystore, IdentityPart identity, PasswordPart password, SecurityEvents events, Clock clock,
            Path dataFolder, Optional<Path> recordPath) throws IOException, KeystoreException, InvalidProvisioningRecordException {
        if (!identity.exists()) {
            try {
                firstStart(keystore, identity, password, events, clock, dataFolder, recordPath);
            } catch (InvalidProvisioningRecordException e) {
                events.publish(SecurityEvent.builder(SecurityEvent.Type.INVALID_INPUT, SecurityEvent.Source.CORE)
                        .time(clock.instant()).attribute("boundary", "provisioning")
                        .attribute("reason", e.problem().name()).build());
                throw e;
            }
        } else {
            identity.load();
            if (!password.stored()) {
                throw new CorruptKeystoreException("The device identity in the keystore is incomplete.");
            }
            // Plain ifs here: each lambda on the start path spun a class at every start.
            if (recordPath.isPresent()) {
                discardConsumedRecord(identity, recordPath.get());
            }
        }
    }

    private static void firstStart(Keystore keystore, IdentityPart identity, PasswordPart password, SecurityEvents events,
            Clock clock, Path dataFolder, Optional<Path> recordPath)
            throws IOException, KeystoreException, InvalidProvisioningRecordException {
        ProvisioningRecord record = null;
        char[] initial = null;
        try {
            PasswordPart.PasswordOrigin origin;
            Optional<String> serial;
            if (recordPath.isPresent()) {
                Path path = recordPath.get();
                if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NoSuchFileException(path.toString(), null,
                            "a provisioning record is configured but absent on the device's first start");
                }
                record = trustedRecord(identity, password, events, clock, dataFolder, path);
            }
            if (record != null) {
                initial = record.initialPassword();
                serial = Optional.of(record.serialNumber());
                origin = PasswordPart.PasswordOrigin.LABEL;
            } else {
                initial = password.generate();
                serial = Optional.empty();
                origin = PasswordPart.PasswordOrigin.GENERATED;
            }
            IdentityPart.Fresh fresh = identity.create(serial);
            byte[] hash = password.hash(initial);
            try {
                keystore.batch(ed -> {
                    identity.write(ed, fresh, true);
                    password.write(ed, hash, origin);
                });
            } finally {
                Arrays.fill(hash, (byte) 0);
            }
            identity.adopt(fresh);
            if (record != null) {
                // Consumed only now that the device state is durable: a crash before this line leaves the
                // record in place and no identity, so the next start provisions again from it.
                Path path = recordPath.get();
                Files.deleteIfExists(path);
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
                Log.LOG.info("Device {} provisioned from record for serial {}; record file deleted", fresh.deviceId, serial.get());
            } else {
                password.holdInitialPassword(initial);
                initial = null;
                Log.LOG.info("Device {} created with a generated initial password", fresh.deviceId);
            }
        } finally {
            if (initial != null) {
                Arrays.fill(initial, '\0');
            }
            if (record != null) {
                record.destroy();
            }
        }
    }

    /**
     * The record at {@code path} when the device may trust it; null when it is refused for its file
     * (owner, permissions, link) or its password (neither the label rule nor the password policy): then
     * the refusal is kept for {@link DeviceSecurity#provisioningRefusal()}, published as an event, and the
     * device starts as if no record were configured. A record that cannot be parsed still fails the start.
     */
    private static ProvisioningRecord trustedRecord(IdentityPart identity, PasswordPart password, SecurityEvents events,
            Clock clock, Path dataFolder, Path path) throws IOException, InvalidProvisioningRecordException {
        ProvisioningRecord record = null;
        try {
            record = path.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? ProvisioningRecord.readOwnerOnly(path, deviceUser(dataFolder))
                    : ProvisioningRecord.read(path); // no POSIX permissions here: nothing to check
            char[] initial = record.initialPassword();
            try {
                password.checkRecordPassword(record.serialNumber(), initial);
            } finally {
                Arrays.fill(initial, '\0');
            }
            ProvisioningRecord trusted = record;
            record = null;
            return trusted;
        } catch (InvalidProvisioningRecordException e) {
            if (e.problem() != Problem.WEAK_PASSWORD && e.problem() != Problem.INSECURE_FILE) {
                throw e;
            }
            identity.refusedRecord(e);
            Log.LOG.warn("Refused the provisioning record {} ({}); the device generates its own initial password "
                    + "and keeps nothing of the record: {}", path, e.problem(), e.getMessage());
            events.publish(SecurityEvent.builder(SecurityEvent.Type.INVALID_INPUT, SecurityEvent.Source.CORE)
                    .time(clock.instant()).attribute("boundary", "provisioning")
                    .attribute("reason", e.problem().name())
                    .attribute("outcome", "record refused, own password generated").build());
            return null;
        } finally {
            if (record != null) {
                record.destroy();
            }
        }
    }

    /** The user this process runs as: the owner of a file it creates in the data folder. */
    private static UserPrincipal deviceUser(Path dataFolder) throws IOException {
        Path probe = Files.createTempFile(dataFolder, ".owner-probe-", ".tmp");
        try {
            return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void discardConsumedRecord(IdentityPart identity, Path path) {
        if (!Files.exists(path)) {
            return;
        }
        Optional<String> serial = identity.serialNumber();
        String deviceId = identity.deviceId();
        ProvisioningRecord record = null;
        try {
            record = ProvisioningRecord.read(path);
            if (serial.isPresent() && serial.get().equals(record.serialNumber())) {
                Files.delete(path);
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
                Log.LOG.info("Deleted the already consumed provisioning record of device {}", deviceId);
            } else {
                Log.LOG.warn("Ignoring provisioning record {}: device {} is already provisioned with another serial number",
                        path, deviceId);
            }
        } catch (IOException | InvalidProvisioningRecordException e) {
            Log.LOG.warn("Ignoring unreadable provisioning record {} of provisioned device {}: {}", path, deviceId,
                    e.getMessage());
        } finally {
            if (record != null) {
                record.destroy();
            }
        }
    }
}
