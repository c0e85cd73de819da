package io.devsec.core;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.internal.Identity;
import io.devsec.core.internal.LoginState;
import io.devsec.core.privacy.ConsentRegistry;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.InvalidProvisioningRecordException.Problem;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of {@link DeviceSecurity}: on the first start it creates the identity and password (from the
 * provisioning record or generated) in one durable keystore batch; on later starts it loads them. Then it
 * opens the personal data store and consents and reads the compromised mark.
 */
final class DeviceStart {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);

    private DeviceStart() {}

    static void start(DeviceSecurity facade, Optional<Path> recordPath) throws IOException, KeystoreException, InvalidProvisioningRecordException {
        // A stored throttle wait resumes from its stored remainder now: how long the device was off is unknown.
        facade.loginAnchorNanos = facade.ticker.getAsLong();
        if (!facade.keystore.contains(DeviceSecurity.KEY)) {
            try {
                firstStart(facade, recordPath);
            } catch (InvalidProvisioningRecordException e) {
                facade.events.publish(SecurityEvent.builder(SecurityEvent.Type.INVALID_INPUT, SecurityEvent.Source.CORE)
                        .time(facade.clock.instant()).attribute("boundary", "provisioning")
                        .attribute("reason", e.problem().name()).build());
                throw e;
            }
        } else {
            load(facade);
            // Plain ifs here and in load(): each lambda on the start path spun a class at every start.
            if (recordPath.isPresent()) {
                discardConsumedRecord(facade, recordPath.get());
            }
        }
        facade.personalData = PersonalDataStore.open(facade.dataFolder, facade.keystore, facade.random);
        if (!facade.purposes.isEmpty()) {
            try {
                facade.consents = ConsentRegistry.open(facade.keystore, facade.purposes, facade.clock);
            } catch (io.devsec.core.privacy.CorruptPersonalDataException e) {
                facade.events.record(SecurityEvent.Type.INTEGRITY_FAILURE, SecurityEvent.Source.CORE,
                        Collections.singletonMap("item", "consents"));
                CorruptKeystoreException c = new CorruptKeystoreException("The stored consent records are unreadable.");
                c.initCause(e);
                throw c;
            }
        }
        facade.compromised = facade.keystore.contains(DeviceSecurity.COMPROMISED);
        if (facade.compromised) {
            LOG.warn("Device {} is marked compromised: MQTT is quarantined until a valid update is installed", facade.deviceId);
        }
    }

    private static void firstStart(DeviceSecurity facade, Optional<Path> recordPath)
            throws IOException, KeystoreException, InvalidProvisioningRecordException {
        ProvisioningRecord record = null;
        char[] password = null;
        try {
            DeviceSecurity.PasswordOrigin origin;
            if (recordPath.isPresent()) {
                Path path = recordPath.get();
                if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NoSuchFileException(path.toString(), null,
                            "a provisioning record is configured but absent on the device's first start");
                }
                record = trustedRecord(facade, path);
            }
            if (record != null) {
                password = record.initialPassword();
                facade.serialNumber = Optional.of(record.serialNumber());
                origin = DeviceSecurity.PasswordOrigin.LABEL;
            } else {
                password = LabelPasswords.generate(facade.random);
                facade.serialNumber = Optional.empty();
                origin = DeviceSecurity.PasswordOrigin.GENERATED;
            }
            Instant now = facade.clock.instant();
            KeyPair keys = Identity.generateKeyPair(facade.random);
            String id = Identity.deviceId(keys.getPublic());
            byte[] csr = Identity.certificateSigningRequest(keys, id, facade.serialNumber);
            X509Certificate cert = Identity.selfSignedCertificate(keys, id, facade.serialNumber, now, facade.random);
            byte[] hash = facade.hasher.hash(password, facade.random);
            Optional<String> serial = facade.serialNumber;
            try {
                facade.keystore.batch(ed -> {
                    ed.putPrivateKey(DeviceSecurity.KEY, keys.getPrivate(), Collections.singletonList(cert));
                    ed.putSecret(DeviceSecurity.CSR, csr);
                    ed.putSecret(DeviceSecurity.PASSWORD, hash);
                    ed.putSecret(DeviceSecurity.PASSWORD_ORIGIN, new byte[] {origin.code});
                    ed.putSecret(DeviceSecurity.LOGIN_STATE, LoginState.CLEAR.encode());
                    if (serial.isPresent()) {
                        ed.putSecret(DeviceSecurity.SERIAL, serial.get().getBytes(StandardCharsets.UTF_8));
                    }
                });
            } finally {
                Arrays.fill(hash, (byte) 0);
            }
            facade.deviceId = id;
            facade.publicKey = keys.getPublic();
            facade.chain = Collections.singletonList(cert);
            facade.csrDer = csr;
            if (record != null) {
                // Consumed only now that the device state is durable: a crash before this line leaves the
                // record in place and no identity, so the next start provisions again from it.
                Path path = recordPath.get();
                Files.deleteIfExists(path);
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
                LOG.info("Device {} provisioned from record for serial {}; record file deleted", id, facade.serialNumber.get());
            } else {
                facade.pendingPassword = password;
                password = null;
                LOG.info("Device {} created with a generated initial password", id);
            }
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
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
    private static ProvisioningRecord trustedRecord(DeviceSecurity facade, Path path)
            throws IOException, InvalidProvisioningRecordException {
        ProvisioningRecord record = null;
        try {
            record = path.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? ProvisioningRecord.readOwnerOnly(path, deviceUser(facade.dataFolder))
                    : ProvisioningRecord.read(path); // no POSIX permissions here: nothing to check
            char[] password = record.initialPassword();
            try {
                checkStrength(facade, record.serialNumber(), password);
            } finally {
                Arrays.fill(password, '\0');
            }
            ProvisioningRecord trusted = record;
            record = null;
            return trusted;
        } catch (InvalidProvisioningRecordException e) {
            if (e.problem() != Problem.WEAK_PASSWORD && e.problem() != Problem.INSECURE_FILE) {
                throw e;
            }
            facade.provisioningRefusal = e;
            LOG.warn("Refused the provisioning record {} ({}); the device generates its own initial password "
                    + "and keeps nothing of the record: {}", path, e.problem(), e.getMessage());
            facade.events.publish(SecurityEvent.builder(SecurityEvent.Type.INVALID_INPUT, SecurityEvent.Source.CORE)
                    .time(facade.clock.instant()).attribute("boundary", "provisioning")
                    .attribute("reason", e.problem().name())
                    .attribute("outcome", "record refused, own password generated").build());
            return null;
        } finally {
            if (record != null) {
                record.destroy();
            }
        }
    }

    /** Label rule, else the device's password policy with the record's serial number and the product name. */
    private static void checkStrength(DeviceSecurity facade, String serial, char[] password)
            throws InvalidProvisioningRecordException {
        if (LabelPasswords.meetsLabelRule(password)) {
            return;
        }
        List<String> context = new ArrayList<>();
        context.add(serial);
        context.add(facade.productName);
        try {
            facade.passwordPolicy.check(password, context);
        } catch (PasswordRejectedException e) {
            throw new InvalidProvisioningRecordException(Problem.WEAK_PASSWORD, "the initial password meets neither "
                    + "the label rule (" + LabelPasswords.LENGTH + "+ characters of the " + LabelPasswords.ALPHABET_SIZE
                    + "-symbol label alphabet) nor the device's password policy (" + e.reason() + ")");
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

    private static void load(DeviceSecurity facade) throws KeystoreException {
        List<X509Certificate> stored = facade.keystore.certificateChain(DeviceSecurity.KEY);
        if (stored.isEmpty() || !facade.keystore.contains(DeviceSecurity.PASSWORD) || !facade.keystore.contains(DeviceSecurity.LOGIN_STATE)
                || !facade.keystore.contains(DeviceSecurity.CSR)) {
            throw new CorruptKeystoreException("The device identity in the keystore is incomplete.");
        }
        facade.chain = Collections.unmodifiableList(new ArrayList<>(stored));
        facade.publicKey = facade.chain.get(0).getPublicKey();
        facade.deviceId = Identity.deviceId(facade.publicKey);
        Optional<byte[]> csr = facade.keystore.secret(DeviceSecurity.CSR);
        if (!csr.isPresent()) {
            throw new CorruptKeystoreException("CSR missing");
        }
        facade.csrDer = csr.get();
        Optional<byte[]> serial = facade.keystore.secret(DeviceSecurity.SERIAL);
        facade.serialNumber = serial.isPresent() ? Optional.of(new String(serial.get(), StandardCharsets.UTF_8))
                : Optional.<String>empty();
    }

    private static void discardConsumedRecord(DeviceSecurity facade, Path path) {
        if (!Files.exists(path)) {
            return;
        }
        ProvisioningRecord record = null;
        try {
            record = ProvisioningRecord.read(path);
            if (facade.serialNumber.isPresent() && facade.serialNumber.get().equals(record.serialNumber())) {
                Files.delete(path);
                AtomicFiles.fsyncDirectory(path.toAbsolutePath().getParent());
                LOG.info("Deleted the already consumed provisioning record of device {}", facade.deviceId);
            } else {
                LOG.warn("Ignoring provisioning record {}: device {} is already provisioned with another serial number",
                        path, facade.deviceId);
            }
        } catch (IOException | InvalidProvisioningRecordException e) {
            LOG.warn("Ignoring unreadable provisioning record {} of provisioned device {}: {}", path, facade.deviceId,
                    e.getMessage());
        } finally {
            if (record != null) {
                record.destroy();
            }
        }
    }
}
