package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.ConformanceStatement;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.events.AnomalySettings;
import io.devsec.core.events.EventAdapters;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.events.TelemetryExporter;
import io.devsec.core.internal.CertificateSubjects;
import io.devsec.core.internal.DeviceConfig;
import io.devsec.core.internal.Identity;
import io.devsec.core.internal.KeystoreRollbackCounter;
import io.devsec.core.internal.KeystoreTrustedRootStore;
import io.devsec.core.internal.LoginState;
import io.devsec.core.internal.PasswordHasher;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.ConsentRegistry;
import io.devsec.core.privacy.DataUseStatement;
import io.devsec.core.privacy.PersonalDataStore;
import io.devsec.core.privacy.PersonalDataWipe;
import io.devsec.core.privacy.Purpose;
import io.devsec.core.privacy.WipeAction;
import io.devsec.core.privacy.WipeIncompleteException;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.surface.PublicDeviceInfo;
import io.devsec.core.validation.MessageSchemas;
import io.devsec.core.validation.ValidationException;
import io.devsec.core.validation.ValidatorRegistry;
import io.devsec.core.validation.Validators;
import io.devsec.storage.AtomicFiles;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import io.devsec.transport.CorruptOutboxException;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.PemCertificates;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicNamespace;
import io.devsec.transport.TransportEventListener;
import io.devsec.transport.TlsIdentity;
import io.devsec.transport.TlsSettings;
import io.devsec.transport.TrustAnchors;
import io.devsec.update.BootControl;
import io.devsec.update.RollbackCounter;
import io.devsec.update.TrustedRootStore;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one object a device application builds: it opens the encrypted keystore and holds the device's
 * identity and local password (ETSI TS 103 645 provision 4.1, "no universal default passwords").
 *
 * <p>On the first start {@link Builder#build()} creates, in one durable keystore batch (so a crash never
 * leaves half a device): an EC P-256 identity key pair that never leaves the keystore unencrypted; a
 * device id derived from its public key; a PKCS#10 certificate signing request; a self-signed certificate
 * used until an issued one is {@linkplain #installCertificateChain installed}; and a unique local
 * password, either the label password from the manufacturer's {@link ProvisioningRecord} or a random one
 * ({@link LabelPasswords}) that {@link #takeInitialPassword()} returns once. Only an Argon2id hash of the
 * password is stored. Later starts load all of this and regenerate nothing.
 *
 * <p>{@link #login(char[])} checks a password in constant time through the hash, throttles failures with
 * doubling waits and locks after 100 consecutive failures (see {@link LoginThrottle}); the failure count
 * is written to the keystore before the password is checked, so killing the process mid-login or
 * rebooting does not reset it. {@link #changePassword} applies the {@link PasswordPolicy}.
 *
 * <p>Beyond credentials the facade composes the rest of the baseline:
 * <ul>
 *   <li>Transport and updates: {@link #mqtt} (mutual TLS with the keystore identity, inbound messages checked
 *       by {@link #validators()}, default deny) and {@link #startUpdates} (signed updates, anti-rollback, and
 *       the integrity check of the running image, {@link #verifyIntegrity()}: a mismatch marks the device
 *       compromised and quarantines its MQTT clients to the alert topic until a valid update is confirmed).</li>
 *   <li>Security events (4.10): {@link #events()}, fed by logins, resets, transport, updates, refused input and
 *       integrity failures, watched by the anomaly detector; {@link #publishSecurityTelemetry} sends them over
 *       MQTT.</li>
 *   <li>Privacy (4.8, 4.11): {@link Builder#purposes}, {@link #consents()}, {@link #personalData()},
 *       {@link #personalTelemetry}, {@link #dataUseStatement()}, {@link #wipePersonalData()}, and
 *       {@link #factoryResetWithReceipt} for a transfer of ownership.</li>
 *   <li>Disclosure, attack surface and ease of use (4.2, 4.6, 4.12): {@link #securityTxt()},
 *       {@link #publicInfo()}, {@link #attackSurfaceReport()}, the health check in {@link #status()}, the
 *       Annex A {@link #conformanceStatement()}, and a strict {@link Builder#configFile configuration file}.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} wipes what is held in memory and releases the keystore.
 */
public final class DeviceSecurity implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);

    /** Name of the keystore file inside the data folder. */
    public static final String KEYSTORE_FILE = "device.keystore";

    /** Name of the default device secret file (the master key source) inside the data folder. */
    public static final String DEVICE_SECRET_FILE = "device.secret";

    static final String KEY = "identity/key";
    static final String CSR = "identity/csr";
    static final String SERIAL = "device/serial";
    static final String PASSWORD = "auth/password";
    static final String PASSWORD_ORIGIN = "auth/password-origin";
    static final String LOGIN_STATE = "auth/login-state";
    static final String OUTBOX_KEY = "transport/outbox-key";
    static final String UPDATE_ROOT = "update/trusted-root";
    static final String UPDATE_FLOOR = "update/rollback-floor";
    static final String INSTALLED_METADATA = "update/installed-metadata/";
    static final String COMPROMISED = "update/compromised";
    /** The key authenticating the default boot state file (a status byte, then 32 random bytes); kept by a reset. */
    static final String BOOT_STATE_KEY = "update/boot-state-key";

    /**
     * Topic of DevSec's own commands, relative to the device namespace: {@code devices/{deviceId}/devsec/cmd}.
     * Every MQTT client made by {@link #mqtt} subscribes it, parses each message once with
     * {@link MessageSchemas#COMMAND} and acts on it ({@code check_update} runs
     * {@link UpdateAgent#checkNow()} on the agents started by {@link #startUpdates}). The subtree
     * {@value io.devsec.core.validation.Subscription#RESERVED_SUBTREE}{@code /} is DevSec's: an application
     * subscription that could match a topic there (such as {@code #}) is refused with
     * {@link IllegalArgumentException}.
     */
    public static final String COMMAND_TOPIC = io.devsec.core.validation.Subscription.RESERVED_SUBTREE + "/cmd";

    /**
     * Topic filter of consent messages ({@code devices/{deviceId}/consent}), validated with
     * {@link #consentMessageSchema()} when purposes are configured; apply them with {@link #applyConsentMessage}.
     */
    public static final String CONSENT_TOPIC_FILTER = "devices/+/consent";

    /** Default alert topic (relative to the device namespace), the only one a quarantined client may reach. */
    public static final String DEFAULT_ALERT_TOPIC = TelemetryExporter.ALERTS_TOPIC_SUFFIX;

    /** Where the current password came from (stored as one byte). */
    enum PasswordOrigin {
        GENERATED(1), LABEL(2), FACTORY_RESET(3), USER(4);

        final byte code;

        PasswordOrigin(int code) {
            this.code = (byte) code;
        }

        static PasswordOrigin of(byte code) throws CorruptKeystoreException {
            for (PasswordOrigin o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            throw new CorruptKeystoreException("Unknown password origin " + code + ".");
        }
    }

    /** Checks a password against a stored hash; replaceable only by tests in this package. */
    interface Verifier {
        boolean matches(char[] password, byte[] storedHash);
    }

    /**
     * The builder's default verifier ({@link PasswordHasher#matches}) and ticker ({@link System#nanoTime}) as
     * one small class: method references here spun two lambda classes at every start.
     */
    private static final class Defaults implements Verifier, java.util.function.LongSupplier {
        static final Defaults INSTANCE = new Defaults();

        @Override
        public boolean matches(char[] password, byte[] storedHash) {
            return PasswordHasher.matches(password, storedHash);
        }

        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    /**
     * The facade's only lock: every critical section of this object and of its package helpers
     * (Credentials, TransportWiring, UpdateWiring) holds it. Private, so application code that synchronizes on
     * its {@code DeviceSecurity} object cannot stall or deadlock the facade.
     */
    private final Object lock = new Object();
    final Keystore keystore;
    final Verifier verifier;
    final String productName;
    final PasswordPolicy passwordPolicy;
    final LoginThrottle throttle;
    final Clock clock;
    final java.util.function.LongSupplier ticker;
    final SecureRandom random;
    final PasswordHasher hasher;
    final Path dataFolder;
    final TrustedRootStore rootStore;
    final RollbackCounter rollbackCounter;
    final io.devsec.update.InstalledMetadataStore installedMetadata;
    final List<LiveClient> clients = new ArrayList<>();
    final List<UpdateAgent> agents = new ArrayList<>();
    private final List<SecurityEvent> pendingEvents = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong eventCount = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong alertCount = new java.util.concurrent.atomic.AtomicLong();
    private final io.devsec.core.events.SecurityEventListener counter;
    final SecurityEvents events;
    final ValidatorRegistry validators;
    final List<Purpose> purposes;
    private final io.devsec.core.validation.Schema consentSchema;
    final Optional<DisclosurePolicy> disclosurePolicy;
    final String alertTopic;
    final Map<DeviceMqttClient, TelemetryExporter> telemetry = new LinkedHashMap<>();
    private final AtomicReference<DeviceMqttClient> personalSink = new AtomicReference<>();
    ConsentRegistry consents;
    PersonalDataStore personalData;
    ConsentGate gate;
    DeviceStatus.SoftwareIntegrity integrity = DeviceStatus.SoftwareIntegrity.NOT_CHECKED;
    boolean compromised;
    long verifiedVersion = -1;
    IntegrityCheck lastCheck;
    UpdateSettings lastUpdateSettings;
    final KeystoreOptions keystoreOptions;
    final Optional<io.devsec.core.conformance.Declarations> declarations;

    String deviceId;
    PublicKey publicKey;
    List<X509Certificate> chain;
    byte[] csrDer;
    Optional<String> serialNumber;
    char[] pendingPassword;
    InvalidProvisioningRecordException provisioningRefusal;
    /** The ticker value when the stored login state was written or loaded; its remaining wait counts from here. */
    long loginAnchorNanos;
    boolean closed;

    private DeviceSecurity(Builder b, Keystore keystore) {
        this.keystore = keystore;
        this.productName = b.productName;
        this.passwordPolicy = b.passwordPolicy;
        this.throttle = b.loginThrottle;
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.random = b.secureRandom != null ? b.secureRandom : new SecureRandom();
        this.hasher = PasswordHasher.DEFAULT;
        this.verifier = b.verifier;
        this.dataFolder = b.dataFolder;
        this.rootStore = new KeystoreTrustedRootStore(keystore, UPDATE_ROOT);
        this.rollbackCounter = new KeystoreRollbackCounter(keystore, UPDATE_FLOOR);
        this.installedMetadata = new io.devsec.core.internal.KeystoreInstalledMetadataStore(keystore, INSTALLED_METADATA);
        this.events = b.events != null ? b.events
                : SecurityEvents.builder().clock(clock).anomalySettings(b.anomalySettings).build();
        this.validators = Validators.registry();
        this.counter = new io.devsec.core.events.SecurityEventListener() {
            @Override
            public void onEvent(SecurityEvent event) {
                eventCount.incrementAndGet();
            }

            @Override
            public void onAlert(io.devsec.core.events.SecurityAlert alert) {
                alertCount.incrementAndGet();
            }
        };
        this.events.subscribe(counter);
        this.purposes = Collections.unmodifiableList(new ArrayList<>(b.purposes));
        this.consentSchema = purposes.isEmpty() ? null : consentSchema(purposes);
        if (consentSchema != null) {
            validators.register(CONSENT_TOPIC_FILTER, consentSchema);
        }
        this.disclosurePolicy = Optional.ofNullable(b.disclosurePolicy);
        this.alertTopic = b.alertTopic;
        this.keystoreOptions = b.keystoreOptions;
        this.declarations = Optional.ofNullable(b.declarations);
    }

    /** What {@link #verifyIntegrity()} needs from the last {@link #startUpdates} of this run. */
    static final class IntegrityCheck {
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

    /** An MQTT client this facade made, with what it needs to renew its identity. */
    static final class LiveClient {
        final DeviceMqttClient client;
        final MqttSettings settings;

        LiveClient(DeviceMqttClient client, MqttSettings settings) {
            this.client = client;
            this.settings = settings;
        }
    }

    /** A builder; {@link Builder#dataFolder} and {@link Builder#productName} are required. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ start

    // ------------------------------------------------------------------ identity

    /** The device id ({@code ds-} and 32 base32 characters), derived from the identity public key. */
    public String deviceId() {
        synchronized (lock) {
            ensureOpen();
            return deviceId;
        }
    }

    /** The product name given to the builder. */
    public String productName() {
        return productName;
    }

    /** The serial number from the provisioning record; empty when the device was not provisioned with one. */
    public Optional<String> serialNumber() {
        synchronized (lock) {
            ensureOpen();
            return serialNumber;
        }
    }

    /**
     * Why this start refused the configured provisioning record, when it did: a record whose password meets
     * neither the label rule nor the {@link PasswordPolicy} ({@link InvalidProvisioningRecordException.Problem#WEAK_PASSWORD}),
     * or whose file someone other than the device's user owns or group or others may read or write
     * ({@link InvalidProvisioningRecordException.Problem#INSECURE_FILE}). The device then kept nothing of the
     * record and generated its own password ({@link #takeInitialPassword()}). Empty on later starts.
     *
     * @return the refusal of this start, or empty
     */
    public Optional<InvalidProvisioningRecordException> provisioningRefusal() {
        synchronized (lock) {
            ensureOpen();
            return Optional.ofNullable(provisioningRefusal);
        }
    }

    /** The identity public key. */
    public PublicKey identityPublicKey() {
        synchronized (lock) {
            ensureOpen();
            return publicKey;
        }
    }

    /** The identity certificate chain, leaf first: the self-signed certificate until an issued one is installed. */
    public List<X509Certificate> certificateChain() {
        synchronized (lock) {
            ensureOpen();
            return chain;
        }
    }

    /** The PKCS#10 certificate signing request for the identity key, PEM-encoded, for the device's CA. */
    public String certificateSigningRequestPem() {
        synchronized (lock) {
            ensureOpen();
            return Identity.csrPem(csrDer);
        }
    }

    /** The PKCS#10 certificate signing request, DER-encoded (a copy). */
    public byte[] certificateSigningRequestDer() {
        synchronized (lock) {
            ensureOpen();
            return csrDer.clone();
        }
    }

    /**
     * The identity certificate chain as PEM text, leaf first (for a support report or the broker operator).
     *
     * @return PEM text, one {@code CERTIFICATE} block per certificate
     * @throws CertificateEncodingException when a certificate cannot be encoded
     */
    public String certificateChainPem() throws CertificateEncodingException {
        synchronized (lock) {
            ensureOpen();
            return PemCertificates.encode(chain);
        }
    }

    /**
     * Installs the certificate chain a CA issued for this device (leaf first), replacing the current one.
     * Certificate renewal: the same identity key, a new certificate from {@link #certificateSigningRequestPem()}.
     * Same as {@code installCertificateChain(newChain, SubjectCheck.REQUIRE_DEVICE_ID_CN)}: the leaf's subject
     * must carry the device id as its only CN, which is what a broker that takes the CN as the MQTT user name
     * needs (the README's "Connecting to your broker").
     *
     * <p>Every MQTT client made by {@link #mqtt(MqttSettings)} that is still open switches to the new chain
     * at once: it opens one new TLS connection with it and only then drops the old one, so messages are
     * not interrupted for longer than one reconnect.
     *
     * @param newChain the issued chain, leaf first; the root may be left out
     * @throws CertificateMismatchException when the leaf's public key is not the identity key
     * @throws CertificateSubjectException when the leaf's subject CN is not the device id (or is missing,
     *     repeated or in an unusual encoding)
     * @throws CertificateUsageException when the leaf's key usage or extended key usage does not allow TLS
     *     client authentication (a broker would refuse it in the handshake)
     * @throws CertificateValidityException when a certificate of the chain is expired or not yet valid on
     *     the device's clock
     * @throws CertificateChainException when a certificate is not issued and signed by the next one
     * @throws IOException when the keystore file cannot be written, or (the chain is then installed) a live
     *     MQTT connection could not switch to it; that client keeps its previous connection and identity
     * @throws KeystoreException when the keystore cannot be read or written (corrupt, closed token)
     */
    public void installCertificateChain(List<X509Certificate> newChain) throws CertificateMismatchException,
            CertificateSubjectException, CertificateUsageException, CertificateValidityException,
            CertificateChainException, IOException, KeystoreException {
        installCertificateChain(newChain, SubjectCheck.REQUIRE_DEVICE_ID_CN);
    }

    /**
     * Installs the certificate chain a CA issued for this device, with an explicit {@link SubjectCheck}: pass
     * {@link SubjectCheck#ACCEPT_ANY_SUBJECT} only for a broker that does not read the CN (see
     * {@link #installCertificateChain(List)} for everything else). {@link #status()} reports a leaf whose CN is
     * not the device id.
     *
     * @param newChain the issued chain, leaf first; the root may be left out
     * @param subjectCheck what the leaf's subject must hold
     * @throws CertificateMismatchException when the leaf's public key is not the identity key
     * @throws CertificateSubjectException when {@code subjectCheck} is {@link SubjectCheck#REQUIRE_DEVICE_ID_CN}
     *     and the leaf's subject CN is not the device id
     * @throws CertificateUsageException when the leaf's key usage or extended key usage does not allow TLS
     *     client authentication (a broker would refuse it in the handshake)
     * @throws CertificateValidityException when a certificate of the chain is expired or not yet valid
     * @throws CertificateChainException when a certificate is not issued and signed by the next one
     * @throws IOException when the keystore file cannot be written, or a live MQTT connection could not switch
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public void installCertificateChain(List<X509Certificate> newChain, SubjectCheck subjectCheck)
            throws CertificateMismatchException, CertificateSubjectException, CertificateUsageException,
            CertificateValidityException, CertificateChainException, IOException, KeystoreException {
        List<LiveClient> live = TransportWiring.storeCertificateChain(this, newChain, subjectCheck);
        TransportWiring.renewLiveConnections(this, live);
    }

    /**
     * Installs the chain a CA returned as PEM text (leaf first), as {@link #installCertificateChain(List)} does.
     * The text is read strictly ({@link PemCertificates#parse(String)}): only {@code CERTIFICATE} blocks and blank
     * lines; a private key, other text or a damaged block is refused. For another {@link SubjectCheck}, parse
     * with {@link PemCertificates#parse(String)} and call {@link #installCertificateChain(List, SubjectCheck)}.
     *
     * @param pem the PEM text, leaf first
     * @throws CertificateParsingException when the text is empty, holds anything but certificates, or a damaged one
     * @throws CertificateMismatchException when the leaf's public key is not the identity key
     * @throws CertificateSubjectException when the leaf's subject CN is not the device id
     * @throws CertificateUsageException when the leaf's key usage or extended key usage does not allow TLS
     *     client authentication (a broker would refuse it in the handshake)
     * @throws CertificateValidityException when a certificate of the chain is expired or not yet valid
     * @throws CertificateChainException when a certificate is not issued and signed by the next one
     * @throws IOException when the keystore file cannot be written, or a live MQTT connection could not switch
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public void installCertificateChainPem(String pem) throws CertificateParsingException, CertificateMismatchException,
            CertificateSubjectException, CertificateUsageException, CertificateValidityException,
            CertificateChainException, IOException, KeystoreException {
        installCertificateChain(PemCertificates.parse(Objects.requireNonNull(pem, "pem")));
    }

    /**
     * Installs the chain from a PEM file (leaf first), as {@link #installCertificateChainPem(String)} does.
     *
     * @param pemFile the PEM file, such as the {@code device.pem} the CA's {@code openssl x509 -req} wrote with the
     *     CA certificate appended
     * @throws CertificateParsingException when the file is empty, holds anything but certificates, or a damaged one
     * @throws CertificateMismatchException when the leaf's public key is not the identity key
     * @throws CertificateSubjectException when the leaf's subject CN is not the device id
     * @throws CertificateUsageException when the leaf's key usage or extended key usage does not allow TLS
     *     client authentication (a broker would refuse it in the handshake)
     * @throws CertificateValidityException when a certificate of the chain is expired or not yet valid
     * @throws CertificateChainException when a certificate is not issued and signed by the next one
     * @throws IOException when the file cannot be read or the keystore written, or a live MQTT connection could
     *     not switch
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public void installCertificateChain(Path pemFile) throws CertificateParsingException, CertificateMismatchException,
            CertificateSubjectException, CertificateUsageException, CertificateValidityException,
            CertificateChainException, IOException, KeystoreException {
        installCertificateChain(PemCertificates.read(Objects.requireNonNull(pemFile, "pemFile")));
    }

    /**
     * A key manager holding the identity key and certificate chain, for a JSSE {@code SSLContext} (mutual
     * TLS). The private key is decrypted from the keystore into the returned object.
     */
    public X509KeyManager identityKeyManager() throws KeystoreException {
        synchronized (lock) {
            ensureOpen();
            PrivateKey key = keystore.privateKey(KEY).orElseThrow(() -> new CorruptKeystoreException("identity key missing"));
            char[] transientPassword = LabelPasswords.generate(random);
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("identity", key, transientPassword, chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, transientPassword);
                for (KeyManager km : kmf.getKeyManagers()) {
                    if (km instanceof X509KeyManager) {
                        return (X509KeyManager) km;
                    }
                }
                throw new IllegalStateException("the JDK offered no X509KeyManager");
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("building the identity key manager failed", e);
            } finally {
                Arrays.fill(transientPassword, '\0');
            }
        }
    }

    // ------------------------------------------------------------------ transport

    /**
     * The device identity for TLS: a key manager over the keystore's identity key and the current
     * certificate chain. It hands the {@link PrivateKey} object to JSSE as it is, so it also works when
     * the key is a handle into a PKCS#11 token.
     *
     * @throws KeystoreException when the keystore cannot be read
     */
    public TlsIdentity tlsIdentity() throws KeystoreException {
        synchronized (lock) {
            ensureOpen();
            PrivateKey key = keystore.privateKey(KEY).orElseThrow(() -> new CorruptKeystoreException("identity key missing"));
            return TlsIdentity.of(key, chain);
        }
    }

    /**
     * A mutual-TLS context from the device identity and {@code anchors} (the CAs that may sign the
     * server's certificate), for MQTT or any other TLS client.
     *
     * @throws GeneralSecurityException when the keystore cannot be read or the JDK cannot build the
     *     context (no configured protocol or suite supported)
     */
    public DeviceTlsContext tlsContext(TrustAnchors anchors, TlsSettings settings) throws GeneralSecurityException {
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(settings, "settings");
        return DeviceTlsContext.create(tlsIdentity(), anchors, settings);
    }

    /**
     * Builds and starts this device's MQTT client: mutual TLS with the device identity and
     * {@link MqttSettings#trustAnchors()}, client id and topic namespace {@code devices/{deviceId}/}, the
     * reconnect policy, the inbound validator hook, and a persistent outbox (so no QoS 1 message is lost
     * across an outage or a restart) encrypted with a random 256-bit key that is created once and kept in
     * the keystore. The client connects in the background: use {@link DeviceMqttClient#awaitConnected}.
     *
     * <p>With the default {@link io.devsec.transport.ReconnectPolicy#DEFAULT} the first connect waits a random
     * 0-5 s, so that a fleet powered up together (after a power cut) does not reach the broker in the same
     * second; keep it on devices. For a developer's single device, where that pause only gets in the way, set
     * {@code MqttSettings.builder(...).reconnectPolicy(ReconnectPolicy.DEVELOPMENT)}: it connects at once.
     * The broker must accept the certificate's CN as the device (see {@link #installCertificateChain(List)}).
     *
     * <p>The client stays bound to this object: {@link #installCertificateChain} switches it to the new
     * certificate, and {@link #close()} closes it. The renewal event
     * ({@link io.devsec.transport.TransportEventListener#certificateExpiring}) fires
     * {@link MqttSettings#renewalWindow()} before the certificate expires.
     *
     * <p>Only one client at a time may use an outbox folder; close the client (or this object) first.
     *
     * @throws CorruptOutboxException when the outbox on disk is damaged (it is not replaced)
     * @throws IOException when the outbox cannot be opened or the keystore cannot be written
     * @throws GeneralSecurityException when the keystore cannot be read or the TLS context cannot be built
     */
    public DeviceMqttClient mqtt(MqttSettings settings) throws IOException, GeneralSecurityException {
        DeviceMqttClient client = TransportWiring.buildClient(this, settings);
        // Outside the lock: starting reports a state change to the listeners, which may call into this object.
        client.start();
        LOG.info("MQTT client of device {} started for {}:{}", deviceId(), settings.host(), settings.port());
        return client;
    }

    /** The clients still open (closed ones are dropped). */
    List<LiveClient> liveClients() {
        clients.removeIf(c -> c.client.state() == io.devsec.transport.ConnectionState.CLOSED);
        return new ArrayList<>(clients);
    }

    // ------------------------------------------------------------------ update

    /**
     * The update module's trusted-root store, kept in the encrypted keystore (a factory reset keeps it,
     * so a reset never brings back an older root).
     */
    public TrustedRootStore trustedRootStore() {
        ensureOpen();
        return rootStore;
    }

    /**
     * The update module's anti-rollback floor: a keystore counter, which the keystore refuses to lower and a
     * factory reset keeps. It only goes up within one keystore file: a restored older copy of the file brings
     * an older floor back unless {@link Builder#rollbackProtection} is set.
     */
    public RollbackCounter rollbackCounter() {
        ensureOpen();
        return rollbackCounter;
    }

    /**
     * Builds and starts this device's update agent: signatures checked against the newest trusted root
     * (the shipped {@link UpdateSettings#initialRoot()} until a newer one is trusted; kept in the
     * keystore), anti-rollback through {@link #rollbackCounter()}, the A/B slots of
     * {@link UpdateSettings#bootEnvironment()} or {@link UpdateSettings#bootControl()} (default: file-based, under the data folder, its state file
     * authenticated with HMAC-SHA256 under a random key kept in the keystore), scheduled checks of
     * {@link UpdateSettings#source()}. The signed metadata of each update is kept in the keystore before its
     * trial starts.
     *
     * <p>When this start runs a version on trial and a {@link HealthCheck} is set, it runs now, but only if the
     * running image matches the signed metadata stored when it was installed ({@link #verifyIntegrity()} is
     * {@link DeviceStatus.SoftwareIntegrity#VERIFIED}; a trial that is unverifiable or compromised is never
     * confirmed). Passing confirms the version (the rollback floor rises to it); failing rolls it back at once
     * ({@link io.devsec.update.UpdateAgent#rollback(String)}: the restart hook runs, the reason reaches the log
     * and the {@code UPDATE_ROLLED_BACK} event). A trial that is not verified is left unconfirmed, and the trial
     * policy rolls it back by itself (at a later start, or when its time runs out while running).
     * The agent stays bound to this object and {@link #close()} closes it.
     *
     * @throws IOException when the slots or their state cannot be read or written, or the trusted root
     *     cannot be read from or written to the keystore; {@link io.devsec.update.CorruptBootStateException}
     *     when the default boot state file was changed or forged (or is in the old unauthenticated format
     *     after the first start with a key)
     * @throws io.devsec.update.UpdateException when the shipped or stored root is malformed or not signed by
     *     a threshold of its own root keys
     * @throws GeneralSecurityException when confirming fails on the keystore counter
     */
    public UpdateAgent startUpdates(UpdateSettings settings) throws IOException, GeneralSecurityException {
        return UpdateWiring.startUpdates(this, settings);
    }

    /**
     * Checks the software this start runs against the signed metadata it was installed from (provision 4.7):
     * a threshold of the trusted root's update keys signed it, it names this hardware and the running
     * version, and the image in the running slot has exactly the signed length and SHA-256.
     * {@link #startUpdates} runs it once at start; call it again for a periodic check.
     *
     * <p>On a mismatch it publishes an {@link SecurityEvent.Type#INTEGRITY_FAILURE} event, marks the
     * device compromised (durably: {@link DeviceStatus#compromised()}), sends that event to the alert topic
     * of every MQTT client this object made and puts them in quarantine: only the alert topic
     * ({@link Builder#alertTopic}) can be reached, also by clients made later, until a valid update is
     * installed and confirmed. A running image without signed metadata (a factory image shipped without
     * {@link UpdateSettings.Builder#factoryMetadata}) is {@link DeviceStatus.SoftwareIntegrity#UNVERIFIABLE}, and
     * each such check publishes an {@link SecurityEvent.Type#INTEGRITY_UNVERIFIABLE} (WARNING) event.
     *
     * @return the result of the check
     * @throws IllegalStateException when {@link #startUpdates} has not run
     * @throws IOException when the slot state cannot be read or the keystore cannot be written
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public DeviceStatus.SoftwareIntegrity verifyIntegrity() throws IOException, KeystoreException {
        return UpdateWiring.verifyIntegrity(this);
    }


    // ------------------------------------------------------------------ security events and validation

    /**
     * The device's one security event stream (provision 4.10): failed, throttled and locked logins, password
     * changes, factory resets, transport events of every MQTT client made here, update events of every agent
     * started here, refused input and integrity failures, watched by the anomaly detector (clock: the
     * device clock). Subscribe exporters, such as {@link io.devsec.core.events.JsonLinesExporter}.
     */
    public SecurityEvents events() {
        return events;
    }

    /**
     * The inbound message validators (provision 4.13) for subscriptions made with
     * {@link DeviceMqttClient#subscribe(String, io.devsec.transport.Qos, io.devsec.transport.MessageHandler)} on a
     * client made by {@link #mqtt} (default deny: a topic no filter matches is refused, unless
     * {@link MqttSettings.Builder#validator} gives an application validator, which then decides alone for the
     * topics not registered here). Refusals become {@link SecurityEvent.Type#INVALID_INPUT} events.
     *
     * <p>Prefer one call per topic, which validates and parses each message once and hands the handler the
     * result: {@code client.subscribe(Subscription.to("cmd/setpoint").schema(schema).handler(msg -> ...))}
     * ({@link io.devsec.core.validation.Subscription}); those subscriptions do not consult this registry.
     * It holds the consent filter when purposes are configured.
     */
    public ValidatorRegistry validators() {
        return validators;
    }

    /**
     * Reports input that the application refused at one of its own boundaries (a file, a local API) as an
     * {@link SecurityEvent.Type#INVALID_INPUT} event; never records the input itself.
     */
    public SecurityEvent reportInvalidInput(String boundary, ValidationException refusal) {
        Objects.requireNonNull(refusal, "refusal");
        return EventAdapters.invalidInput(events, SecurityEvent.Source.APPLICATION, boundary, refusal);
    }

    /**
     * Publishes the device's security events and anomaly alerts as JSON to
     * {@value io.devsec.core.events.TelemetryExporter#EVENTS_TOPIC_SUFFIX} and
     * {@value io.devsec.core.events.TelemetryExporter#ALERTS_TOPIC_SUFFIX} under the client's namespace
     * (QoS 1, through its outbox), from now until the client or this object is closed. Calling it again for
     * the same client does nothing.
     */
    public void publishSecurityTelemetry(DeviceMqttClient client) {
        synchronized (lock) {
            ensureOpen();
            Objects.requireNonNull(client, "client");
            if (telemetry.containsKey(client)) {
                return;
            }
            TelemetryExporter exporter = TelemetryExporter.create(
                    (suffix, payload) -> client.publish(client.namespace().topic(suffix), payload, Qos.AT_LEAST_ONCE));
            telemetry.put(client, exporter);
            events.subscribe(exporter);
            LOG.info("Security telemetry of device {} goes to {}security/...", deviceId, client.namespace().prefix());
        }
    }

    // ------------------------------------------------------------------ privacy

    /**
     * The consent registry for the purposes given to {@link Builder#purposes} (provision 4.8), kept encrypted
     * in the keystore.
     *
     * @throws IllegalStateException when no purpose is configured
     */
    public ConsentRegistry consents() {
        synchronized (lock) {
            ensureOpen();
            if (consents == null) {
                throw new IllegalStateException("no consent purposes configured: set builder.purposes(...)");
            }
            return consents;
        }
    }

    private static io.devsec.core.validation.Schema consentSchema(List<Purpose> purposes) {
        List<String> ids = new ArrayList<>();
        for (Purpose p : purposes) {
            ids.add(p.id());
        }
        return io.devsec.core.validation.Schema.of(io.devsec.core.validation.Rules.object()
                .required("purpose", io.devsec.core.validation.Rules.oneOf(ids))
                .required("decision", io.devsec.core.validation.Rules.oneOf("grant", "withdraw"))
                .optional("id", io.devsec.core.validation.Rules.pattern(MessageSchemas.COMMAND_ID_PATTERN, 64))
                .build(), io.devsec.core.validation.JsonLimits.builder().maxDocumentBytes(1024).maxDepth(2).build());
    }

    /**
     * The schema of a consent message: {@code {"purpose":"location","decision":"grant","id":"c-1"}} with
     * {@code purpose} one of the configured purpose ids, {@code decision} {@code grant} or {@code withdraw},
     * and an optional {@code id}; at most 1 KiB.
     *
     * @throws IllegalStateException when no purpose is configured
     */
    public io.devsec.core.validation.Schema consentMessageSchema() {
        if (consentSchema == null) {
            throw new IllegalStateException("no consent purposes configured: set builder.purposes(...)");
        }
        return consentSchema;
    }

    /**
     * Applies a consent message from the consumer's app (for example received on
     * {@value #CONSENT_TOPIC_FILTER}): validates it against {@link #consentMessageSchema()} and grants or
     * withdraws consent for its purpose. A refused message becomes an {@link SecurityEvent.Type#INVALID_INPUT}
     * event (boundary {@code "consent"}) and changes nothing.
     *
     * @return the consent record after the change
     * @throws ValidationException when the message is refused
     * @throws IllegalStateException when no purpose is configured
     * @throws IOException when the keystore file cannot be written
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public io.devsec.core.privacy.ConsentRecord applyConsentMessage(byte[] payload)
            throws ValidationException, IOException, KeystoreException {
        Objects.requireNonNull(payload, "payload");
        io.devsec.core.validation.Schema schema = consentMessageSchema();
        io.devsec.core.validation.JsonValue message;
        try {
            message = schema.parse(payload);
        } catch (ValidationException e) {
            EventAdapters.invalidInput(events, SecurityEvent.Source.CORE, "consent", e);
            throw e;
        }
        ConsentRegistry registry = consents();
        String purpose = message.get("purpose").get().asString();
        return "grant".equals(message.get("decision").get().asString()) ? registry.grant(purpose) : registry.withdraw(purpose);
    }

    /** The encrypted personal data store under the data folder (AES-256-GCM, key in the keystore). */
    public PersonalDataStore personalData() {
        synchronized (lock) {
            ensureOpen();
            return personalData;
        }
    }

    /**
     * Telemetry carrying personal data, sent through {@code client} only with the consumer's consent to its
     * purpose and held (sealed) until then. Held messages released later go through the client given to the
     * latest call.
     *
     * @throws IllegalStateException when no purpose is configured
     * @throws GeneralSecurityException when messages held before a restart fail their integrity check
     * @throws IOException when they cannot be read
     */
    public PersonalTelemetry personalTelemetry(DeviceMqttClient client)
            throws IOException, GeneralSecurityException {
        synchronized (lock) {
            ensureOpen();
            Objects.requireNonNull(client, "client");
            ConsentRegistry registry = consents();
            personalSink.set(client);
            if (gate == null) {
                gate = ConsentGate.builder().registry(registry).store(personalData).releaseSink((purpose, topic, payload) -> {
                    DeviceMqttClient sink = personalSink.get();
                    if (sink == null) {
                        throw new IOException("no MQTT client for personal telemetry");
                    }
                    try {
                        sink.publish(topic, payload, Qos.AT_LEAST_ONCE);
                    } catch (io.devsec.transport.TopicOutsideNamespaceException e) {
                        throw new IOException("the client refused held personal telemetry: " + e.getClass().getSimpleName(), e);
                    }
                }).build();
            }
            return new PersonalTelemetry(gate, client);
        }
    }

    /**
     * What personal data the device processes, for whom and why, and the consumer's current consents
     * (provision 4.8).
     *
     * @throws IllegalStateException when no purpose is configured
     */
    public DataUseStatement dataUseStatement() {
        synchronized (lock) {
            ensureOpen();
            return DataUseStatement.of(productName, consents());
        }
    }

    /**
     * Deletes the consumer's personal data (provision 4.11) and returns the receipt: the personal-data key,
     * the consent records and the outbox key are destroyed in one keystore batch (crypto-erase), the personal
     * data files and held telemetry deleted, consents reset to not given, and, as the {@code "outbox"}
     * step, every MQTT client this object made is closed and its outbox files deleted (make new clients with
     * {@link #mqtt} afterwards). Identity, password, trusted update root, counters and firmware are kept.
     *
     * @throws WipeIncompleteException when a step failed; it carries the partial receipt. Calling again retries.
     */
    public WipeReceipt wipePersonalData() throws WipeIncompleteException {
        PersonalDataWipe wipe;
        synchronized (lock) {
            ensureOpen();
            List<LiveClient> live = liveClients();
            PersonalDataWipe.Builder b = PersonalDataWipe.builder().store(personalData).clock(clock)
                    .keystoreEntry(OUTBOX_KEY).action("outbox", () -> wipeOutboxes(live));
            if (consents != null) {
                b.consentRegistry(consents);
            }
            if (gate != null) {
                b.consentGate(gate);
            }
            wipe = b.build();
        }
        try {
            WipeReceipt receipt = wipe.wipe();
            events.record(SecurityEvent.Type.OTHER, SecurityEvent.Source.CORE,
                    Collections.singletonMap("detail", "personal data wiped"));
            LOG.warn("Personal data of device {} wiped: {} files, {} keys destroyed", deviceId, receipt.filesRemoved(),
                    receipt.keysDestroyed().size());
            return receipt;
        } catch (WipeIncompleteException e) {
            events.record(SecurityEvent.Type.OTHER, SecurityEvent.Source.CORE,
                    Collections.singletonMap("detail", "personal data wipe incomplete"));
            throw e;
        }
    }

    /** Closes the clients (outside the facade lock) and deletes their outbox files. */
    private WipeAction.Result wipeOutboxes(List<LiveClient> live) throws IOException {
        List<Path> folders = new ArrayList<>();
        folders.add(dataFolder.resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER));
        IOException failure = null;
        for (LiveClient c : live) {
            c.settings.outboxFolder().ifPresent(folders::add);
            try {
                c.client.close();
            } catch (IOException e) {
                failure = e;
            }
            TelemetryExporter exporter;
            synchronized (lock) {
                exporter = telemetry.remove(c.client);
                personalSink.compareAndSet(c.client, null);
            }
            if (exporter != null) {
                events.unsubscribe(exporter);
            }
        }
        if (failure != null) {
            throw failure;
        }
        long items = 0;
        long bytes = 0;
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(Files::isRegularFile).forEach(files::add);
            }
            for (Path f : files) {
                bytes += Files.size(f);
                Files.delete(f);
                items++;
            }
            AtomicFiles.fsyncDirectory(folder);
        }
        return WipeAction.Result.of(items, bytes);
    }

    // ------------------------------------------------------------------ disclosure and attack surface

    /** The vulnerability disclosure policy given to {@link Builder#disclosurePolicy} (provision 4.2). */
    public Optional<DisclosurePolicy> disclosurePolicy() {
        return disclosurePolicy;
    }

    /** The RFC 9116 {@code security.txt} of the disclosure policy; empty when none is configured. */
    public Optional<String> securityTxt() {
        return disclosurePolicy.map(DisclosurePolicy::securityTxt);
    }

    /**
     * What the device shows before authentication (EN 303 645 5.6-2): the product name and the device id,
     * never versions, serial numbers or keys.
     *
     * @throws IllegalArgumentException when the product name looks like it carries a version
     */
    public PublicDeviceInfo publicInfo() {
        return PublicDeviceInfo.of(productName(), deviceId());
    }

    /**
     * The attack surface of this device as configured now (provision 4.6): the features on, the MQTT
     * endpoints of the clients made here, every file of the data folder with its permissions, the
     * process's listening sockets and user, and warnings.
     *
     * @throws IOException when the data folder cannot be listed
     */
    public AttackSurfaceReport attackSurfaceReport() throws IOException {
        AttackSurfaceReport.Builder b = AttackSurfaceReport.builder().dataFolder(dataFolder).clock(clock);
        synchronized (lock) {
            ensureOpen();
            b.feature("keystore", "encrypted keystore (AES-256-GCM), master key: " + keystore.masterKeyKind());
            b.feature("login", "local password login, Argon2id hash, throttled, locks after " + throttle.maxFailures()
                    + " failures");
            b.feature("validation", "inbound MQTT messages validated: DevSec commands on devices/{id}/" + COMMAND_TOPIC
                    + ", each application Subscription by its own schema, plain subscriptions by " + validators.filters());
            int i = 0;
            for (LiveClient c : liveClients()) {
                i++;
                b.endpoint("mqtt-" + i, endpoint(c.settings));
            }
            if (i > 0) {
                b.feature("mqtt", i + " MQTT client(s) over mutual TLS, topics limited to devices/" + deviceId + "/"
                        + (compromised ? " (QUARANTINED)" : ""));
            }
            if (!agents.isEmpty()) {
                b.feature("updates", "signed updates with anti-rollback and A/B slots, automatic "
                        + (automaticUpdatesOn() ? "on" : "off"));
            }
            if (consents != null) {
                List<String> ids = new ArrayList<>();
                for (Purpose p : purposes) {
                    ids.add(p.id());
                }
                b.feature("consent", "personal data only with consent, purposes " + ids);
            }
            if (!telemetry.isEmpty()) {
                b.feature("security-telemetry", "security events and alerts published over MQTT");
            }
            if (disclosurePolicy.isPresent()) {
                b.feature("disclosure", "security.txt available (offline, not served by DevSec)");
            }
        }
        return b.build();
    }

    private static URI endpoint(MqttSettings settings) {
        try {
            return new URI("ssl", null, settings.host(), settings.port(), null, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("MQTT host " + settings.host() + " is not a valid URI host", e);
        }
    }

    boolean automaticUpdatesOn() {
        for (UpdateAgent a : agents) {
            if (!a.automaticUpdates()) {
                return false;
            }
        }
        return !agents.isEmpty();
    }


    // ------------------------------------------------------------------ conformance

    /**
     * The evidence each part of this device reports about the mechanisms it owns (observed, configured or not
     * assessed): credentials, disclosure, updates, keystore, MQTT and TLS of the clients made here, attack
     * surface, integrity, privacy, events and validation.
     *
     * @throws IOException when the data folder or the update state cannot be read
     * @throws GeneralSecurityException when the keystore or the trusted root cannot be read
     */
    public ConformanceFacts conformanceFacts() throws IOException, GeneralSecurityException {
        AttackSurfaceReport surface = attackSurfaceReport();
        synchronized (lock) {
            ensureOpen();
            return ConformanceFactsCollector.collect(this, surface);
        }
    }

    /**
     * The conformance statement of this device (EN 303 645 V2.1.1 Table B.1, with TS 103 645 V1.1.1 and UK PSTI
     * views), from {@link #conformanceFacts()} and the {@link Builder#declarations declarations}; render it with
     * {@link ConformanceStatement#toMarkdown()} or {@link ConformanceStatement#toJson()}.
     *
     * @throws IOException when the data folder or the update state cannot be read
     * @throws GeneralSecurityException when the keystore or the trusted root cannot be read
     */
    public ConformanceStatement conformanceStatement() throws IOException, GeneralSecurityException {
        ConformanceFacts facts = conformanceFacts();
        return declarations.isPresent() ? ConformanceStatement.generate(facts, declarations.get(), clock)
                : ConformanceStatement.generate(facts, clock);
    }

    // ------------------------------------------------------------------ password

    /**
     * The password generated on this start, exactly once, so the application can show or print it; the
     * caller owns (and should wipe) the array. Empty on later starts, after the first call, after a
     * password change, and when the password came from a provisioning record (it is on the label).
     *
     * <p><b>Warning:</b> if the process ends before the password is shown, it is gone; a factory reset
     * then sets and returns a new one.
     */
    public Optional<char[]> takeInitialPassword() {
        synchronized (lock) {
            ensureOpen();
            char[] p = pendingPassword;
            pendingPassword = null;
            return Optional.ofNullable(p);
        }
    }

    /**
     * Checks a password against the stored Argon2id hash (outputs compared with
     * {@link java.security.MessageDigest#isEqual}), under the {@link LoginThrottle}.
     *
     * <p>The failure is recorded durably <em>before</em> the password is checked and cleared on success.
     * The SDK never sleeps: an attempt inside a wait is refused with the remaining time. Waits are measured
     * as elapsed time ({@link System#nanoTime()}), not on the wall clock, so setting the clock (NTP, an RTC)
     * neither shortens nor lengthens them; see {@link LoginThrottle} for restarts.
     *
     * <p><b>Warning:</b> whoever can reach this method can lock the device with
     * {@link LoginThrottle#maxFailures()} wrong passwords. If the login is reachable over a network, keep
     * it local-only where you can or rate-limit failures per peer in front of it, and wire
     * {@link #unlockLoginAfterPhysicalPresence()} to a reset button so the owner can unlock without losing data.
     *
     * @param password the password; not modified (the caller wipes it)
     * @throws WrongPasswordException when the password does not match
     * @throws LoginThrottledException when earlier failures impose a wait that has not passed; nothing is checked
     * @throws LoginLockedException when the device is locked after {@link LoginThrottle#maxFailures()}
     *     consecutive failures (also thrown by the failure that reaches the limit); lifted by
     *     {@link #unlockLoginAfterPhysicalPresence()} or a factory reset
     * @throws IOException when the keystore cannot be written (the login is then refused)
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public void login(char[] password) throws LoginException, IOException, KeystoreException {
        try {
            Credentials.loginLocked(this, password);
        } finally {
            flushEvents();
        }
    }

    /**
     * Lifts the login lock (and any throttle wait) once someone has proven physical presence at the device,
     * for example by holding its reset button: clears the consecutive failure count durably and publishes a
     * security event ({@link SecurityEvent.Type#OTHER}, {@code detail} "login unlocked on physical
     * presence", with the previous failure count). Keeps the password, the identity, the consents and all
     * personal data, so the owner logs in again with the password they know. When the owner has forgotten
     * the password, {@link #factoryReset(IdentityRotation)} is the separate, stronger call.
     *
     * <p><b>Warning:</b> this needs no password. Call it only from a local proof of presence (a button,
     * a jumper, a local console), never from a network request: whoever can call it can guess without limit.
     *
     * <p>Why it exists: anyone who can reach {@link #login(char[])} can lock the device with 100 wrong
     * passwords. Keep the login local-only where you can, or rate-limit failures per peer (address,
     * session) in front of it, so that one remote peer cannot lock out the owner.
     *
     * @throws IOException when the keystore file cannot be written (the device stays locked)
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public void unlockLoginAfterPhysicalPresence() throws IOException, KeystoreException {
        try {
            Credentials.unlockAfterPhysicalPresence(this);
        } finally {
            flushEvents();
        }
    }

    /**
     * Checks a candidate password against the {@link PasswordPolicy} and this device's context words
     * (device id, serial number, product name), without changing anything; for a form that validates as
     * the user types.
     *
     * @throws PasswordRejectedException with the reason when the candidate would be refused
     */
    public void checkNewPassword(char[] candidate) throws PasswordRejectedException {
        passwordPolicy.check(candidate, Credentials.contextWords(this));
    }

    /**
     * Changes the password: {@link #login(char[]) logs in} with {@code current} (throttled and counted like
     * any login), checks {@code newPassword} against the {@link PasswordPolicy}, and stores its Argon2id
     * hash. Neither array is modified; the caller wipes both.
     *
     * @throws LoginException when {@code current} is refused (wrong, throttled, locked)
     * @throws PasswordRejectedException when the new password breaks the policy; nothing is changed
     * @throws IOException when the keystore file cannot be written
     * @throws KeystoreException when the keystore cannot be read or written (corrupt, closed token)
     */
    public void changePassword(char[] current, char[] newPassword)
            throws LoginException, PasswordRejectedException, IOException, KeystoreException {
        try {
            Credentials.changePasswordLocked(this, current, newPassword);
        } finally {
            flushEvents();
        }
    }

    /**
     * Factory reset: first {@linkplain #wipePersonalData() wipes the personal data} (consents, personal data
     * store, held telemetry, MQTT outboxes; the MQTT clients made here are closed), then deletes every
     * keystore entry except the identity and firmware trust (trusted update root, installed metadata, and
     * counters, which
     * cannot be deleted and protect against rollback), clears the login failures and lock, and sets a new
     * random password that is returned once (never a shared or fixed value). With
     * {@link IdentityRotation#ROTATE} it also replaces the identity: new key pair, device id, CSR and
     * self-signed certificate. All in one durable batch.
     *
     * <p><b>Warning:</b> this needs no password, so call it only on proof of physical presence (a reset
     * button), never from a network request.
     *
     * @param rotation whether to keep or replace the identity
     * @return the new password; the caller owns (and wipes) it
     * @throws IOException when the keystore file cannot be written
     * @throws KeystoreException when the keystore cannot be read or written (corrupt, closed token)
     */
    public char[] factoryReset(IdentityRotation rotation) throws IOException, KeystoreException {
        Objects.requireNonNull(rotation, "rotation");
        wipePersonalData();
        try {
            return Credentials.resetCredentials(this, rotation);
        } finally {
            flushEvents();
        }
    }

    /**
     * Factory reset for a transfer of ownership (provisions 4.1 and 4.11): first
     * {@linkplain #wipePersonalData() wipes the personal data} (throwing, with nothing else changed, when the
     * wipe is incomplete), then resets as {@link #factoryReset(IdentityRotation)} does: a new unique password
     * and, with {@link IdentityRotation#ROTATE}, a new identity. Identity trust and firmware (the trusted
     * update root, the rollback floor, the installed metadata) are kept.
     *
     * <p><b>Warning:</b> needs no password: call it only on proof of physical presence.
     *
     * @return the wipe receipt and the new password (the caller destroys the result after showing it)
     * @throws io.devsec.core.privacy.WipeIncompleteException when the wipe failed; the credentials are not reset
     * @throws IOException when the keystore file cannot be written
     * @throws KeystoreException when the keystore cannot be read or written
     */
    public FactoryResetResult factoryResetWithReceipt(IdentityRotation rotation) throws IOException, KeystoreException {
        Objects.requireNonNull(rotation, "rotation");
        WipeReceipt receipt = wipePersonalData();
        char[] password;
        try {
            password = Credentials.resetCredentials(this, rotation);
        } finally {
            flushEvents();
        }
        return new FactoryResetResult(password, receipt, deviceId());
    }

    // ------------------------------------------------------------------ status

    /**
     * A snapshot of identity, certificate, master key, password and lockout state; holds no secret.
     *
     * @throws KeystoreException when the keystore cannot be read
     */
    public DeviceStatus status() throws KeystoreException {
        // Counted by the facade's own listener: the stream's lock is held while its listeners run, so
        // reading its counters here could wait for a listener that waits for this call.
        return status(eventCount.get(), alertCount.get());
    }

    private DeviceStatus status(long published, long alerts) throws KeystoreException {
        synchronized (lock) {
            ensureOpen();
            LoginState state = Credentials.loginState(this);
            Instant now = clock.instant();
            boolean locked = state.failures() >= throttle.maxFailures();
            Optional<Duration> retry = locked ? Optional.<Duration>empty() : Credentials.remainingWait(this, state);
            byte[] origin = keystore.secret(PASSWORD_ORIGIN).orElseThrow(
                    () -> new CorruptKeystoreException("password origin missing"));
            X509Certificate leaf = chain.get(0);
            boolean selfSigned = Identity.isSelfSigned(leaf);
            boolean initialPassword = origin.length == 1 && PasswordOrigin.of(origin[0]) != PasswordOrigin.USER;
            DeviceStatus.Extras x = new DeviceStatus.Extras();
            x.integrity = compromised ? DeviceStatus.SoftwareIntegrity.COMPROMISED : integrity;
            x.securityTxt = securityTxt();
            x.mqttClients = liveClients().size();
            x.updateAgents = agents.size();
            x.securityEvents = published;
            x.securityAlerts = alerts;
            x.certificateCommonName = CertificateSubjects.brokerUserName(leaf);
            x.certificateCnIsDeviceId = CertificateSubjects.problem(leaf, deviceId) == null;
            x.findings = StatusFindings.findings(this, selfSigned, leaf.getNotAfter().toInstant(), initialPassword, locked, state.failures(), now,
                    x.integrity, alerts);
            return new DeviceStatus(deviceId, productName, serialNumber, selfSigned,
                    leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                    leaf.getNotAfter().toInstant(), keystore.masterKeyKind(), initialPassword,
                    state.failures(), throttle.maxFailures(), locked, retry, now, x);
        }
    }


    /**
     * Closes the MQTT clients and update agents this object made, wipes the initial password if not taken
     * and closes the keystore (wiping its keys). Idempotent.
     */
    @Override
    public void close() {
        List<LiveClient> openClients;
        List<UpdateAgent> openAgents;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            openClients = new ArrayList<>(clients);
            openAgents = new ArrayList<>(agents);
            for (TelemetryExporter exporter : telemetry.values()) {
                events.unsubscribe(exporter);
            }
            telemetry.clear();
            events.unsubscribe(counter);
            personalSink.set(null);
            clients.clear();
            agents.clear();
            wipePending();
        }
        // Outside the lock: a client's listener may call into this object while its threads stop.
        for (LiveClient c : openClients) {
            try {
                c.client.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing the MQTT client of device {} failed: {}", deviceId, e.toString());
            }
        }
        for (UpdateAgent a : openAgents) {
            a.close();
        }
        keystore.close();
    }

    /** The keystore, for tests in this package. */
    Keystore keystore() {
        return keystore;
    }

    @Override
    public String toString() {
        return "DeviceSecurity{deviceId=" + deviceId + ", productName=" + productName + "}";
    }

    // ------------------------------------------------------------------ helpers

    /** The facade's private lock, for the helpers of this package; never exposed outside it. */
    Object lock() {
        return lock;
    }

    /**
     * Queues an event raised while the facade lock is held; {@link #flushEvents()} publishes it after the
     * lock is released, so an event listener may call into this object without a lock-order deadlock.
     */
    void queueEvent(SecurityEvent.Type type, Map<String, String> attributes) {
        pendingEvents.add(SecurityEvent.builder(type, SecurityEvent.Source.CORE).time(clock.instant())
                .attributes(attributes).build());
    }

    /** Publishes the queued events, in order, outside the facade lock. */
    private void flushEvents() {
        List<SecurityEvent> out;
        synchronized (lock) {
            if (pendingEvents.isEmpty()) {
                return;
            }
            out = new ArrayList<>(pendingEvents);
            pendingEvents.clear();
        }
        for (SecurityEvent e : out) {
            events.publish(e);
        }
    }

    void wipePending() {
        if (pendingPassword != null) {
            Arrays.fill(pendingPassword, '\0');
            pendingPassword = null;
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("DeviceSecurity is closed");
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link DeviceSecurity}; {@link #build()} validates every field and names the bad one. */
    public static final class Builder {
        private Path dataFolder;
        private MasterKeySource masterKeySource;
        private String productName;
        private Path provisioningRecord;
        private PasswordPolicy passwordPolicy = PasswordPolicy.DEFAULT;
        private LoginThrottle loginThrottle = LoginThrottle.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private SecureRandom secureRandom;
        private KeystoreOptions keystoreOptions = KeystoreOptions.DEFAULT;
        private io.devsec.storage.RollbackProtection rollbackProtection;
        private Verifier verifier = Defaults.INSTANCE;
        private java.util.function.LongSupplier ticker = Defaults.INSTANCE;
        private SecurityEvents events;
        private AnomalySettings anomalySettings = AnomalySettings.DEFAULT;
        private final List<Purpose> purposes = new ArrayList<>();
        private DisclosurePolicy disclosurePolicy;
        private String alertTopic = DEFAULT_ALERT_TOPIC;
        private io.devsec.core.conformance.Declarations declarations;

        private Builder() {}

        /**
         * The purposes the device processes personal data for (provision 4.8); with at least one,
         * {@link DeviceSecurity#consents()}, {@link DeviceSecurity#personalTelemetry} and
         * {@link DeviceSecurity#dataUseStatement()} are available. Replaces earlier purposes.
         */
        public Builder purposes(Purpose... purposes) {
            this.purposes.clear();
            for (Purpose p : Objects.requireNonNull(purposes, "purposes")) {
                this.purposes.add(Objects.requireNonNull(p, "purpose"));
            }
            return this;
        }

        /**
         * The manufacturer's declarations for {@link DeviceSecurity#conformanceStatement()}: conditions,
         * vulnerability handling timescales, support period, statements and justifications. Without them every
         * row that needs the manufacturer is not assessed.
         *
         * @param declarations the parsed declarations, or null for none
         * @return this builder
         */
        public Builder declarations(io.devsec.core.conformance.Declarations declarations) {
            this.declarations = declarations;
            return this;
        }

        /**
         * Reads the manufacturer's declarations file (see {@link #declarations(io.devsec.core.conformance.Declarations)}).
         *
         * @param file the JSON declarations file
         * @return this builder
         * @throws io.devsec.core.conformance.DeclarationsException when the file is refused, naming the field
         * @throws IOException when it cannot be read
         */
        public Builder declarationsFile(Path file) throws IOException,
                io.devsec.core.conformance.DeclarationsException {
            this.declarations = io.devsec.core.conformance.Declarations.parse(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** The device maker's vulnerability disclosure policy (provision 4.2), shown in the status. */
        public Builder disclosurePolicy(DisclosurePolicy disclosurePolicy) {
            this.disclosurePolicy = disclosurePolicy;
            return this;
        }

        /**
         * The alert topic relative to the device namespace; the only topic a quarantined (compromised)
         * device can reach. Default {@value DeviceSecurity#DEFAULT_ALERT_TOPIC}.
         */
        public Builder alertTopic(String alertTopic) {
            this.alertTopic = alertTopic;
            return this;
        }

        /** Anomaly detection settings of the device's event stream; default {@link AnomalySettings#DEFAULT}. */
        public Builder anomalySettings(AnomalySettings anomalySettings) {
            this.anomalySettings = anomalySettings;
            return this;
        }

        /**
         * An event stream of the application's own instead of a new one (then {@link #anomalySettings} is
         * unused); refusals of {@link #configFile} are published on it too.
         */
        public Builder securityEvents(SecurityEvents events) {
            this.events = events;
            return this;
        }

        /**
         * Reads a JSON configuration file now, strictly (unknown fields, wrong types and values beyond the
         * limits are refused; at most 64 KiB): {@code productName}, {@code alertTopic}, {@code disclosure}
         * ({@code contacts}, {@code expires}, {@code policy}, {@code encryption}, {@code acknowledgments},
         * {@code canonical}, {@code preferredLanguages}) and {@code purposes} (each {@code id},
         * {@code description}, {@code processors}, {@code reason}). Values from the file replace those set
         * before; set the clock first, the disclosure expiry is checked against it.
         *
         * <pre>{@code
         * {"productName": "Acme Sensor",
         *  "disclosure": {"contacts": ["mailto:security@acme.example"], "expires": "2027-01-01T00:00:00Z"},
         *  "purposes": [{"id": "location", "description": "room-level location",
         *                "processors": ["Acme Cloud"], "reason": "find the device in the app"}]}
         * }</pre>
         *
         * @throws ValidationException when the file is refused (also published as an
         *     {@link SecurityEvent.Type#INVALID_INPUT} event on {@link #securityEvents}, when one is set)
         * @throws IOException when it cannot be read
         */
        public Builder configFile(Path file) throws IOException, ValidationException {
            Objects.requireNonNull(file, "file");
            DeviceConfig config;
            try {
                config = DeviceConfig.read(file, clock == null ? Clock.systemUTC() : clock);
            } catch (ValidationException e) {
                LOG.warn("Refused the configuration file {}: {}", file, e.getMessage());
                if (events != null) {
                    EventAdapters.invalidInput(events, SecurityEvent.Source.CORE, "config", e);
                }
                throw e;
            }
            config.productName().ifPresent(this::productName);
            config.alertTopic().ifPresent(this::alertTopic);
            config.disclosure().ifPresent(this::disclosurePolicy);
            if (!config.purposes().isEmpty()) {
                purposes(config.purposes().toArray(new Purpose[0]));
            }
            return this;
        }

        /** Test seam (package-private): the nanosecond ticker of throttle waits instead of {@link System#nanoTime()}. */
        Builder ticker(java.util.function.LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Test seam (package-private): replaces the hash check, e.g. to simulate a crash inside it. */
        Builder verifier(Verifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** Required: the folder holding the keystore (created owner-only when absent). */
        public Builder dataFolder(Path dataFolder) {
            this.dataFolder = dataFolder;
            return this;
        }

        /** The master key source; default: a device secret file {@value DeviceSecurity#DEVICE_SECRET_FILE} in the data folder. */
        public Builder masterKeySource(MasterKeySource masterKeySource) {
            this.masterKeySource = masterKeySource;
            return this;
        }

        /** Required: the product name, 1 to 64 characters without control characters. */
        public Builder productName(String productName) {
            this.productName = productName;
            return this;
        }

        /**
         * The manufacturer's provisioning record file (serial number and label password). Read on the first
         * start, which fails if it is absent or cannot be parsed; deleted once the device state is durably
         * written.
         *
         * <p>The record is held to the standard of a {@code devsec provision} label. Its password must meet
         * {@link LabelPasswords#meetsLabelRule} (18+ characters of the label alphabet, 82 bits when drawn at
         * random) or the {@link #passwordPolicy}; and where POSIX permissions exist its file must be a
         * regular file owned by the user the device runs as, closed to group and others (0600). Otherwise
         * the device refuses the whole record: it keeps neither serial number nor password, starts as if no
         * record were configured (a unique generated password, from {@link DeviceSecurity#takeInitialPassword()}),
         * publishes an {@link SecurityEvent.Type#INVALID_INPUT} event (boundary {@code provisioning}) and
         * reports the typed refusal in {@link DeviceSecurity#provisioningRefusal()}. The refused file is left
         * in place for the operator.
         */
        public Builder provisioningRecord(Path provisioningRecord) {
            this.provisioningRecord = provisioningRecord;
            return this;
        }

        /** Rules for new passwords; default {@link PasswordPolicy#DEFAULT}. */
        public Builder passwordPolicy(PasswordPolicy passwordPolicy) {
            this.passwordPolicy = passwordPolicy;
            return this;
        }

        /** Failed-login throttle; default {@link LoginThrottle#DEFAULT}. */
        public Builder loginThrottle(LoginThrottle loginThrottle) {
            this.loginThrottle = loginThrottle;
            return this;
        }

        /** The wall clock for certificate validity and event times (login throttle waits never use it); default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The randomness source; default a new {@link SecureRandom}. */
        public Builder secureRandom(SecureRandom secureRandom) {
            this.secureRandom = secureRandom;
            return this;
        }

        /**
         * Detects a restored older copy of the keystore file (which would reset failed-login counts, the update
         * rollback floor and the trusted update root) with a counter in a PKCS#11 token or a TPM 2.0 NV counter;
         * {@link #build()} then fails with {@link io.devsec.storage.KeystoreRollbackException} and a CRITICAL
         * {@link SecurityEvent.Type#ROLLBACK_ATTEMPT} event on {@link #securityEvents} (when one is set). Without
         * it, such a copy is not detected, and {@link DeviceSecurity#status()} says so. Overrides the one in
         * {@link #keystoreOptions}.
         *
         * @param rollbackProtection the counter, for example {@code RollbackProtection.tpm2NvCounter(...)}
         * @return this builder
         */
        public Builder rollbackProtection(io.devsec.storage.RollbackProtection rollbackProtection) {
            this.rollbackProtection = rollbackProtection;
            return this;
        }

        /** Keystore options; default {@link KeystoreOptions#DEFAULT} (owner-only files required). */
        public Builder keystoreOptions(KeystoreOptions keystoreOptions) {
            this.keystoreOptions = keystoreOptions;
            return this;
        }

        /**
         * Validates the settings, opens the keystore and, on the first start, creates the identity and
         * password (see {@link DeviceSecurity}).
         *
         * @throws IllegalArgumentException naming the missing or invalid field
         * @throws KeystoreException when the keystore cannot be opened (wrong master key, corrupt, in use,
         *     loose permissions) or the stored identity is incomplete
         * @throws InvalidProvisioningRecordException when the provisioning record cannot be parsed (a
         *     well-formed record with a weak password or an exposed file is refused without an exception:
         *     see {@link #provisioningRecord} and {@link DeviceSecurity#provisioningRefusal()})
         * @throws IOException when files cannot be read or written, or a configured provisioning record is
         *     absent on the first start
         */
        public DeviceSecurity build() throws IOException, KeystoreException, InvalidProvisioningRecordException {
            if (dataFolder == null) {
                throw new IllegalArgumentException("dataFolder is required");
            }
            if (productName == null) {
                throw new IllegalArgumentException("productName is required");
            }
            if (productName.trim().isEmpty() || productName.length() > 64) {
                throw new IllegalArgumentException("productName must be 1 to 64 characters and not blank");
            }
            for (int i = 0; i < productName.length(); i++) {
                if (Character.isISOControl(productName.charAt(i))) {
                    throw new IllegalArgumentException("productName must not contain control characters");
                }
            }
            if (passwordPolicy == null) {
                throw new IllegalArgumentException("passwordPolicy must not be null");
            }
            if (loginThrottle == null) {
                throw new IllegalArgumentException("loginThrottle must not be null");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            if (keystoreOptions == null) {
                throw new IllegalArgumentException("keystoreOptions must not be null");
            }
            if (anomalySettings == null) {
                throw new IllegalArgumentException("anomalySettings must not be null");
            }
            if (alertTopic == null || !TopicNamespace.isWellFormedTopicName(alertTopic) || alertTopic.startsWith("/")
                    || alertTopic.isEmpty() || alertTopic.length() > 64) {
                throw new IllegalArgumentException("alertTopic must be a relative topic name of 1 to 64 characters "
                        + "without wildcards");
            }
            AtomicFiles.createOwnerOnlyDirectories(dataFolder);
            MasterKeySource source = masterKeySource != null ? masterKeySource
                    : MasterKeySource.deviceSecretFile(dataFolder.resolve(DEVICE_SECRET_FILE));
            if (rollbackProtection != null) {
                keystoreOptions = keystoreOptions.toBuilder().rollbackProtection(rollbackProtection).build();
            }
            Keystore keystore;
            try {
                keystore = Keystore.open(dataFolder.resolve(KEYSTORE_FILE), source, keystoreOptions);
            } catch (io.devsec.storage.KeystoreRollbackException e) {
                LOG.error("Refused an older copy of the keystore: {}", e.getMessage());
                if (events != null) {
                    events.publish(SecurityEvent.builder(SecurityEvent.Type.ROLLBACK_ATTEMPT, SecurityEvent.Source.CORE)
                            .time(clock.instant()).attribute("item", "keystore")
                            .attribute("fileVersion", Long.toString(e.fileVersion()))
                            .attribute("protectedVersion", Long.toString(e.protectedVersion())).build());
                }
                throw e;
            }
            DeviceSecurity device = new DeviceSecurity(this, keystore);
            boolean ok = false;
            try {
                DeviceStart.start(device, Optional.ofNullable(provisioningRecord));
                ok = true;
                return device;
            } finally {
                if (!ok) {
                    device.close();
                }
            }
        }
    }
}
