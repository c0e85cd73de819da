package io.devsec.update;

import io.devsec.update.internal.Hex;
import io.devsec.update.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies roots, update metadata and images on the device, following the client workflow of The
 * Update Framework (TUF specification 1.0, section 5) for its two roles, root and update.
 *
 * <p>Every check in one call uses a single instant read once from the injected {@link Clock}.
 * Thresholds count distinct public keys of the role with a valid signature (compared in canonical
 * form, so one key under two encodings counts once); signatures by other keys, bad signatures and
 * repeats are ignored. Every refusal is a typed {@link UpdateException}.
 *
 * <p>Thread-safe. Typical use on a device:
 * <pre>{@code
 * UpdateVerifier v = UpdateVerifier.builder()
 *     .initialRoot(rootShippedAtManufacture)
 *     .trustedRootStore(store).rollbackCounter(counter)
 *     .hardwareId("acme-sensor-v2").build();
 * for (byte[] r : newerRoots) v.updateRoot(r);
 * VerifiedUpdate u = v.verifyMetadata(envelope, installedVersion);
 * UpdateVerifier.copyImage(u, download, inactiveSlot);
 * }</pre>
 */
public final class UpdateVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateVerifier.class);
    private static final int BUFFER = 512 * 1024;

    private final byte[] initialRoot;
    private final TrustedRootStore store;
    private final RollbackCounter counter;
    private final String hardwareId;
    private final Clock clock;
    private final MetadataLimits limits;
    private RootMetadata trusted;

    private UpdateVerifier(Builder b) {
        this.initialRoot = b.initialRoot;
        this.store = b.store;
        this.counter = b.counter;
        this.hardwareId = b.hardwareId;
        this.clock = b.clock;
        this.limits = b.limits;
    }

    /**
     * A builder; hardware id and rollback counter are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The trusted root: the stored one, or on first use the initial root (which must be signed by
     * a threshold of its own root keys). Expiry is not checked here; {@link #verifyMetadata} does.
     * On first use the initial root, once verified, is saved to the {@link TrustedRootStore}.
     *
     * @return the trusted root metadata
     * @throws IOException when the trusted root store cannot be read or written
     * @throws MetadataTooLargeException when the stored or initial root exceeds the size cap
     * @throws MalformedMetadataException when it is not well formed
     * @throws WrongPayloadTypeException when the envelope does not hold root metadata
     * @throws ThresholdNotMetException when too few of its own root keys signed it
     * @throws UpdateException for any other refusal of the stored or initial root
     * @throws IllegalStateException when the store is empty and no initial root was given
     */
    public synchronized RootMetadata trustedRoot() throws IOException, UpdateException {
        // TUF 5.2: load the trusted root metadata (the store, else the root shipped with the device).
        if (trusted == null) {
            Optional<byte[]> stored = store.load();
            byte[] bytes = stored.orElse(initialRoot);
            if (bytes == null) {
                throw new IllegalStateException("no trusted root: the store is empty and no initial root was given");
            }
            Envelope env = Envelope.parse(bytes, limits);
            checkType(env, Envelope.ROOT_PAYLOAD_TYPE);
            RootMetadata root = RootMetadata.parse(env.payload(), limits);
            checkThreshold("root (trusted)", env, root.keys(), root.rootKeyIds(), root.rootThreshold());
            if (!stored.isPresent()) {
                store.save(bytes);
            }
            trusted = root;
        }
        return trusted;
    }

    /**
     * Trusts the next root (TUF 5.3): it must be signed by a threshold of the trusted root's root
     * keys and by a threshold of its own, and its version must be exactly one more. It is then
     * saved to the {@link TrustedRootStore}. Intermediate roots may have expired; the newest is
     * checked for expiry by {@link #verifyMetadata}.
     *
     * @param nextRootEnvelope the signed envelope of the next root
     * @return the new trusted root metadata
     * @throws RootVersionException when the version is not trusted + 1 (rollback or skip)
     * @throws ThresholdNotMetException when either threshold is not met
     * @throws WrongPayloadTypeException when the envelope does not hold root metadata
     * @throws MalformedMetadataException when it is not well formed
     * @throws MetadataTooLargeException when it exceeds the size cap
     * @throws UpdateException when the currently trusted root cannot be loaded (see {@link #trustedRoot()})
     * @throws IOException when the trusted root store cannot be read or written (the new root is then not
     *     trusted)
     */
    public synchronized RootMetadata updateRoot(byte[] nextRootEnvelope) throws IOException, UpdateException {
        RootMetadata current = trustedRoot();
        // TUF 5.3.3: parse the new root (size cap, strict JSON, payload type).
        Envelope env = Envelope.parse(nextRootEnvelope, limits);
        checkType(env, Envelope.ROOT_PAYLOAD_TYPE);
        // TUF 5.3.4: signed by a threshold of the keys the trusted root names for the root role.
        checkThreshold("root (trusted)", env, current.keys(), current.rootKeyIds(), current.rootThreshold());
        RootMetadata next = RootMetadata.parse(env.payload(), limits);
        // TUF 5.3.4: and by a threshold of its own root keys.
        checkThreshold("root (new)", env, next.keys(), next.rootKeyIds(), next.rootThreshold());
        // TUF 5.3.5: its version is exactly the trusted version + 1 (no rollback, no skip).
        if (next.version() != current.version() + 1) {
            throw new RootVersionException(current.version(), next.version());
        }
        // TUF 5.3.8: persist it, then trust it.
        store.save(nextRootEnvelope.clone());
        trusted = next;
        LOG.info("Trusted root rotated from version {} to {}", current.version(), next.version());
        return next;
    }

    /**
     * Verifies update metadata (the TUF steps for targets, applied to the update role).
     *
     * @param updateEnvelope the signed envelope of the update metadata
     * @param installedVersion the version running now (0 on an empty device)
     * @return the verified update, to pass to {@link #copyImage}
     * @throws ExpiredMetadataException when the trusted root or the update has expired (freeze)
     * @throws WrongPayloadTypeException when the envelope does not hold update metadata
     * @throws ThresholdNotMetException when too few update keys signed it
     * @throws WrongHardwareException when it is for other hardware
     * @throws RollbackException when its version is not above {@code installedVersion} and the
     *     rollback counter
     * @throws MalformedMetadataException when it is not well formed
     * @throws MetadataTooLargeException when it exceeds the size cap
     * @throws GeneralSecurityException when the rollback counter cannot be read, or the trusted root cannot be
     *     loaded (an {@link UpdateException}, see {@link #trustedRoot()})
     * @throws IOException when the trusted root store or the rollback counter cannot be read
     */
    public synchronized VerifiedUpdate verifyMetadata(byte[] updateEnvelope, long installedVersion)
            throws IOException, GeneralSecurityException {
        // TUF 5.1: record the time once; every check below uses this instant.
        Instant now = clock.instant();
        // TUF 5.2 and 5.3: the trusted root (already rotated through updateRoot).
        RootMetadata root = trustedRoot();
        // TUF 5.3.10: the final root must not have expired (freeze attack).
        if (!now.isBefore(root.expires())) {
            throw new ExpiredMetadataException("root", root.expires(), now);
        }
        // TUF 5.4.1-5.4.2 (here: update): size cap, strict envelope, right payload type.
        Envelope env = Envelope.parse(updateEnvelope, limits);
        checkType(env, Envelope.UPDATE_PAYLOAD_TYPE);
        // TUF 5.4.2: a threshold of the root's update keys signed the exact payload bytes,
        // checked before the payload is parsed.
        checkThreshold("update", env, root.keys(), root.updateKeyIds(), root.updateThreshold());
        UpdateMetadata md = UpdateMetadata.parse(env.payload(), limits);
        // TUF 5.4.4: not expired (freeze attack).
        if (!now.isBefore(md.expires())) {
            throw new ExpiredMetadataException("update", md.expires(), now);
        }
        // Hardware binding (TUF custom target field): for this device only.
        if (!md.hardwareId().equals(hardwareId)) {
            throw new WrongHardwareException(hardwareId, md.hardwareId());
        }
        // TUF 5.4.3 (rollback): newer than what runs and than the highest version ever installed.
        long floor = counter.current();
        if (md.version() <= installedVersion || md.version() <= floor) {
            throw new RollbackException(installedVersion, floor, md.version());
        }
        LOG.debug("Update metadata version {} verified under root version {}", md.version(), root.version());
        return new VerifiedUpdate(md, root.version(), updateEnvelope);
    }

    /**
     * Checks the software a device runs against the metadata it was installed with (provision 4.7,
     * software integrity at start): a threshold of the trusted root's update keys signed it, it is
     * for this hardware and for {@code runningVersion}, and {@code image} has exactly its length
     * and SHA-256. Expiry is not checked: installed software stays valid after its offer expired.
     *
     * @param updateEnvelope the signed envelope of the metadata the running version was installed with
     * @param runningVersion the version the device runs
     * @param image the installed image, read to its signed length plus one byte
     * @return the verified metadata
     * @throws WrongPayloadTypeException when the envelope does not hold update metadata
     * @throws MalformedMetadataException when it is not well formed
     * @throws MetadataTooLargeException when it exceeds the size cap
     * @throws ThresholdNotMetException when the metadata is not signed by the update keys
     * @throws WrongHardwareException when it is for other hardware
     * @throws VersionMismatchException when it is for another version
     * @throws ImageLengthException when the installed image has another length
     * @throws ImageHashException when the installed image was changed
     * @throws GeneralSecurityException when the trusted root cannot be loaded (an {@link UpdateException}, see
     *     {@link #trustedRoot()})
     * @throws IOException when the image or the trusted root store cannot be read
     */
    public synchronized UpdateMetadata verifyInstalled(byte[] updateEnvelope, long runningVersion, InputStream image)
            throws IOException, GeneralSecurityException {
        RootMetadata root = trustedRoot();
        Envelope env = Envelope.parse(updateEnvelope, limits);
        checkType(env, Envelope.UPDATE_PAYLOAD_TYPE);
        checkThreshold("update", env, root.keys(), root.updateKeyIds(), root.updateThreshold());
        UpdateMetadata md = UpdateMetadata.parse(env.payload(), limits);
        if (!md.hardwareId().equals(hardwareId)) {
            throw new WrongHardwareException(hardwareId, md.hardwareId());
        }
        if (md.version() != runningVersion) {
            throw new VersionMismatchException(runningVersion, md.version());
        }
        copyImage(new VerifiedUpdate(md, root.version(), updateEnvelope), image, DISCARD);
        return md;
    }

    /** Stands in for {@code OutputStream.nullOutputStream()}, which Android only has from API 33. */
    private static final OutputStream DISCARD = new OutputStream() {
        @Override
        public void write(int b) {
            // discarded
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (off < 0 || len < 0 || off > b.length - len) {
                throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", length " + b.length);
            }
        }
    };

    /**
     * Streams the image from {@code in} to {@code out}, hashing as it goes (TUF 5.7.3: length and
     * hash). At most the signed length is read, plus one byte to detect a longer image, so endless
     * data cannot fill the disk; memory use is constant. The caller must not make what it wrote
     * bootable unless this returns normally.
     *
     * @param update the verified update whose signed length and SHA-256 the image must have
     * @param in the image
     * @param out where the image is written; on a refusal it holds part or all of the refused image
     * @throws IOException when {@code in} cannot be read or {@code out} cannot be written
     * @throws ImageLengthException when the stream is shorter or longer than the signed length
     * @throws ImageHashException when the SHA-256 differs
     */
    public static void copyImage(VerifiedUpdate update, InputStream in, OutputStream out)
            throws IOException, ImageLengthException, ImageHashException {
        UpdateMetadata md = update.metadata();
        long expected = md.imageLength();
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[(int) Math.min(BUFFER, expected)];
        long total = 0;
        while (total < expected) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, expected - total));
            if (n < 0) {
                throw new ImageLengthException(expected, total, false);
            }
            digest.update(buf, 0, n);
            out.write(buf, 0, n);
            total += n;
        }
        if (in.read() >= 0) {
            throw new ImageLengthException(expected, expected + 1, true);
        }
        byte[] actual = digest.digest();
        if (!MessageDigest.isEqual(actual, Hex.decode(md.imageSha256()))) {
            throw new ImageHashException(md.imageSha256(), Hex.encode(actual));
        }
    }

    private static void checkType(Envelope env, String expected) throws WrongPayloadTypeException {
        if (!env.payloadType().equals(expected)) {
            throw new WrongPayloadTypeException(expected, env.payloadType());
        }
    }

    private static void checkThreshold(String role, Envelope env, Map<String, VerificationKey> keys,
            List<String> roleKeyIds, int threshold) throws ThresholdNotMetException {
        byte[] pae = env.preAuthenticationEncoding();
        // Counted by canonical key, not by key id: a key under two encodings still counts once (the
        // parser already refuses such a root; this holds even if it did not).
        Set<String> valid = new HashSet<>();
        for (Envelope.Signature s : env.signatures()) {
            String id = s.keyId();
            VerificationKey key = keys.get(id);
            if (!roleKeyIds.contains(id) || key == null || valid.contains(key.canonicalId())) {
                continue; // unknown key or a repeat: never counts
            }
            if (key.verifies(pae, s.sigNoCopy())) {
                valid.add(key.canonicalId());
            }
        }
        if (valid.size() < threshold) {
            LOG.debug("{} threshold {} not met: {} valid", role, threshold, valid.size());
            throw new ThresholdNotMetException(role, threshold, valid.size());
        }
    }

    /** Builds an {@link UpdateVerifier}; hardware id and rollback counter are required. */
    public static final class Builder {
        private byte[] initialRoot;
        private TrustedRootStore store = TrustedRootStore.inMemory();
        private RollbackCounter counter;
        private String hardwareId;
        private Clock clock = Clock.systemUTC();
        private MetadataLimits limits = MetadataLimits.DEFAULT;

        private Builder() {
        }

        /**
         * The root envelope trusted at manufacture, used while the store is empty.
         *
         * @param rootEnvelope the signed root envelope (copied)
         * @return this builder
         */
        public Builder initialRoot(byte[] rootEnvelope) {
            this.initialRoot = Objects.requireNonNull(rootEnvelope, "rootEnvelope").clone();
            return this;
        }

        /**
         * Where the newest trusted root is kept (default: in memory only).
         *
         * @param store the store (durable on a device)
         * @return this builder
         */
        public Builder trustedRootStore(TrustedRootStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The anti-rollback floor: metadata whose version is not above it is refused. Required.
         *
         * @param counter the rollback counter
         * @return this builder
         */
        public Builder rollbackCounter(RollbackCounter counter) {
            this.counter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /**
         * This device's hardware id; updates for any other are refused. Required.
         *
         * @param hardwareId the hardware id
         * @return this builder
         */
        public Builder hardwareId(String hardwareId) {
            this.hardwareId = Objects.requireNonNull(hardwareId, "hardwareId");
            return this;
        }

        /**
         * The clock for expiry checks (default the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Caps on envelope size, signatures and keys (default {@link MetadataLimits#DEFAULT}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(MetadataLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @return the verifier
         * @throws IllegalArgumentException when the hardware id is missing or empty, or the rollback counter
         *     is missing
         */
        public UpdateVerifier build() {
            if (hardwareId == null || hardwareId.isEmpty()) {
                throw new IllegalArgumentException("hardwareId is required");
            }
            if (counter == null) {
                throw new IllegalArgumentException("rollbackCounter is required");
            }
            return new UpdateVerifier(this);
        }
    }
}
