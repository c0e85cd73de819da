package io.devsec.core;

import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.internal.CertificateSubjects;
import io.devsec.core.internal.CertificateDer;
import io.devsec.core.internal.Identity;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.transport.PemCertificates;
import io.devsec.transport.TlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device identity: the EC P-256 key pair in the keystore, the device id derived from it, the CSR, the
 * certificate chain (self-signed until an issued one is installed) and the serial number. Owns the keystore
 * entries under {@code identity/} and {@code device/} and its own lock; the other parts see it through
 * {@link DeviceIdentity}.
 */
final class IdentityPart implements DeviceIdentity {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    static final String KEY = "identity/key";
    static final String CSR = "identity/csr";
    static final String SERIAL = "device/serial";

    /** A new identity, made before the batch that stores it. */
    static final class Fresh {
        final KeyPair keys;
        final String deviceId;
        final byte[] csr;
        final X509Certificate certificate;
        final Optional<String> serialNumber;

        Fresh(KeyPair keys, String deviceId, byte[] csr, X509Certificate certificate, Optional<String> serialNumber) {
            this.keys = keys;
            this.deviceId = deviceId;
            this.csr = csr;
            this.certificate = certificate;
            this.serialNumber = serialNumber;
        }
    }

    private final Object lock = new Object();
    private final KeystoreSlice keystore;
    private final Clock clock;
    private final SecureRandom random;
    /** All guarded by lock; set once by {@link #adopt} or {@link #load} at start. */
    private String deviceId;
    /** Null after {@link #load} until first use ({@link #parsed()}): a start then parses no certificate. */
    private PublicKey publicKey;
    private List<X509Certificate> chain;
    /** The stored chain as DER, kept by {@link #load} for {@link #parsed()}. */
    private List<byte[]> storedChain;
    private byte[] csrDer;
    private Optional<String> serialNumber = Optional.empty();
    private InvalidProvisioningRecordException provisioningRefusal;

    IdentityPart(Keystore keystore, Clock clock, SecureRandom random) {
        this.keystore = new KeystoreSlice(keystore, "identity/", "device/");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    // ------------------------------------------------------------------ start and reset

    /** Whether the keystore holds an identity key (the device started before). */
    boolean exists() {
        return keystore.contains(KEY);
    }

    /** A new key pair, device id, CSR and self-signed certificate; nothing is stored yet. */
    Fresh create(Optional<String> serial) throws IOException {
        KeyPair keys = Identity.generateKeyPair(random);
        String id = Identity.deviceId(keys.getPublic());
        byte[] csr = Identity.certificateSigningRequest(keys, id, serial);
        X509Certificate cert = Identity.selfSignedCertificate(keys, id, serial, clock.instant(), random);
        return new Fresh(keys, id, csr, cert, serial);
    }

    /** A new identity for a factory reset with {@link IdentityRotation#ROTATE}: the serial number stays. */
    Fresh rotate() throws IOException {
        synchronized (lock) {
            return create(serialNumber);
        }
    }

    /** Writes {@code fresh} into a batch the facade opened. */
    void write(Keystore.Editor batch, Fresh fresh, boolean withSerial) throws KeystoreException {
        Keystore.Editor ed = keystore.within(batch);
        ed.putPrivateKey(KEY, fresh.keys.getPrivate(), Collections.singletonList(fresh.certificate));
        ed.putSecret(CSR, fresh.csr);
        if (withSerial && fresh.serialNumber.isPresent()) {
            ed.putSecret(SERIAL, fresh.serialNumber.get().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Takes {@code fresh} as the current identity once its batch is durable. */
    void adopt(Fresh fresh) {
        synchronized (lock) {
            deviceId = fresh.deviceId;
            publicKey = fresh.keys.getPublic();
            chain = Collections.singletonList(fresh.certificate);
            csrDer = fresh.csr;
            serialNumber = fresh.serialNumber;
        }
    }

    /** Loads the stored identity. */
    void load() throws KeystoreException {
        synchronized (lock) {
            // The id is the hash of the leaf's SubjectPublicKeyInfo as stored: no X.509 parse at start (a tenth of
            // a start's time, devsec bench startup). install() keeps only leaves whose field is byte for byte the
            // device key's own encoding, and parsed() checks the id again before the chain is used.
            List<byte[]> stored = keystore.certificateChainEncoded(KEY);
            if (stored.isEmpty() || !keystore.contains(CSR)) {
                throw new CorruptKeystoreException("The device identity in the keystore is incomplete.");
            }
            try {
                deviceId = Identity.deviceId(CertificateDer.subjectPublicKeyInfo(stored.get(0)));
            } catch (IllegalArgumentException e) {
                throw new CorruptKeystoreException("The stored identity certificate is not DER: " + e.getMessage());
            }
            storedChain = stored;
            chain = null;
            publicKey = null;
            Optional<byte[]> csr = keystore.secret(CSR);
            if (!csr.isPresent()) {
                throw new CorruptKeystoreException("CSR missing");
            }
            csrDer = csr.get();
            Optional<byte[]> serial = keystore.secret(SERIAL);
            serialNumber = serial.isPresent() ? Optional.of(new String(serial.get(), StandardCharsets.UTF_8))
                    : Optional.<String>empty();
        }
    }

    /** Whether a factory reset keeps {@code name}: the identity always does (a rotation rewrites it). */
    boolean keepsOnReset(String name) {
        return name.equals(KEY) || name.equals(CSR) || name.equals(SERIAL);
    }

    /** Keeps why this start refused the provisioning record. */
    void refusedRecord(InvalidProvisioningRecordException refusal) {
        synchronized (lock) {
            provisioningRefusal = refusal;
        }
    }

    // ------------------------------------------------------------------ reading

    @Override
    public String deviceId() {
        synchronized (lock) {
            return deviceId;
        }
    }

    @Override
    public Optional<String> serialNumber() {
        synchronized (lock) {
            return serialNumber;
        }
    }

    Optional<InvalidProvisioningRecordException> provisioningRefusal() {
        synchronized (lock) {
            return Optional.ofNullable(provisioningRefusal);
        }
    }

    PublicKey publicKey() {
        synchronized (lock) {
            parsed();
            return publicKey;
        }
    }

    List<X509Certificate> chain() {
        synchronized (lock) {
            parsed();
            return chain;
        }
    }

    /**
     * Parses the chain {@link #load} kept as DER, once, under {@link #lock}. The keystore entry is authenticated,
     * so a chain that does not parse or whose key gives another device id is a defect, never input: it fails
     * closed with {@link IllegalStateException} rather than run under a wrong identity.
     */
    private void parsed() {
        if (chain != null) {
            return;
        }
        List<X509Certificate> certs = new ArrayList<>(storedChain.size());
        try {
            java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
            for (byte[] der : storedChain) {
                certs.add((X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stored identity certificate chain cannot be parsed", e);
        }
        PublicKey key = certs.get(0).getPublicKey();
        if (!Identity.deviceId(key).equals(deviceId)) {
            throw new IllegalStateException("The stored identity certificate's key encodes differently from the"
                    + " device key (device id " + deviceId + " at start, " + Identity.deviceId(key) + " parsed)");
        }
        chain = Collections.unmodifiableList(certs);
        publicKey = key;
        storedChain = null;
    }

    String csrPem() {
        synchronized (lock) {
            return Identity.csrPem(csrDer);
        }
    }

    byte[] csrDer() {
        synchronized (lock) {
            return csrDer.clone();
        }
    }

    String chainPem() throws CertificateEncodingException {
        return PemCertificates.encode(chain());
    }

    @Override
    public TlsIdentity tlsIdentity() throws KeystoreException {
        synchronized (lock) {
            PrivateKey key = keystore.privateKey(KEY).orElseThrow(() -> new CorruptKeystoreException("identity key missing"));
            parsed();
            return TlsIdentity.of(key, chain);
        }
    }

    // ------------------------------------------------------------------ certificate

    /**
     * Checks and stores an issued chain (see {@link DeviceSecurity#installCertificateChain(List, SubjectCheck)});
     * the live MQTT connections are switched by the facade afterwards.
     */
    void install(List<X509Certificate> newChain, SubjectCheck subjectCheck) throws CertificateMismatchException,
            CertificateSubjectException, CertificateUsageException, CertificateValidityException,
            CertificateChainException, IOException, KeystoreException {
        Objects.requireNonNull(newChain, "newChain");
        Objects.requireNonNull(subjectCheck, "subjectCheck");
        for (X509Certificate c : newChain) {
            Objects.requireNonNull(c, "a certificate of newChain");
        }
        if (newChain.isEmpty()) {
            throw new IllegalArgumentException("newChain must hold at least the leaf certificate");
        }
        synchronized (lock) {
            List<X509Certificate> copy = Collections.unmodifiableList(new ArrayList<>(newChain));
            X509Certificate leaf = copy.get(0);
            parsed();
            if (!Arrays.equals(leaf.getPublicKey().getEncoded(), publicKey.getEncoded())
                    || !Arrays.equals(rawSubjectPublicKeyInfo(leaf), publicKey.getEncoded())) {
                // The second test: RFC 5480 allows only the named-curve form in a certificate, and the device id
                // is read from the certificate's own bytes at start; a CA that re-encodes the key is refused.
                Log.LOG.warn("Refused a certificate for device {} that holds another public key", deviceId);
                throw new CertificateMismatchException(deviceId, leaf.getSubjectX500Principal().getName());
            }
            String subjectProblem = CertificateSubjects.problem(leaf, deviceId);
            if (subjectProblem != null) {
                if (subjectCheck == SubjectCheck.REQUIRE_DEVICE_ID_CN) {
                    Log.LOG.warn("Refused a certificate for device {} whose subject is {}: {}", deviceId,
                            leaf.getSubjectX500Principal().getName(), subjectProblem);
                    throw new CertificateSubjectException(deviceId, leaf.getSubjectX500Principal().getName(),
                            CertificateSubjects.brokerUserName(leaf).orElse(null), subjectProblem);
                }
                Log.LOG.warn("Installing a certificate for device {} whose subject is {} (accepted on request: {}); a broker "
                        + "that takes the CN as user name will not match it to devices/{}/", deviceId,
                        leaf.getSubjectX500Principal().getName(), subjectProblem, deviceId);
            }
            String usageProblem = CertificateSubjects.clientAuthProblem(leaf);
            if (usageProblem != null) {
                Log.LOG.warn("Refused a certificate for device {} that may not authenticate a TLS client: {}", deviceId,
                        usageProblem);
                throw new CertificateUsageException(leaf.getSubjectX500Principal().getName(), usageProblem);
            }
            Instant now = clock.instant();
            for (int i = 0; i < copy.size(); i++) {
                X509Certificate c = copy.get(i);
                Instant notBefore = c.getNotBefore().toInstant();
                Instant notAfter = c.getNotAfter().toInstant();
                if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
                    Log.LOG.warn("Refused a certificate chain for device {}: certificate {} not valid now", deviceId, i);
                    throw new CertificateValidityException(i, notBefore, notAfter, now);
                }
                if (i + 1 < copy.size()) {
                    X509Certificate issuer = copy.get(i + 1);
                    if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                        throw new CertificateChainException(i, "names an issuer that is not the next certificate's subject.");
                    }
                    try {
                        c.verify(issuer.getPublicKey());
                    } catch (GeneralSecurityException e) {
                        throw new CertificateChainException(i, "is not signed by the next certificate's key.");
                    }
                }
            }
            keystore.putCertificateChain(KEY, copy);
            chain = copy;
            Log.LOG.info("Installed an issued certificate for device {}, valid until {}", deviceId, leaf.getNotAfter().toInstant());
        }
    }

    /** The certificate's SubjectPublicKeyInfo as encoded in it; null when it cannot be read. */
    private static byte[] rawSubjectPublicKeyInfo(X509Certificate c) {
        try {
            return CertificateDer.subjectPublicKeyInfo(c.getEncoded());
        } catch (CertificateEncodingException | IllegalArgumentException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ status and conformance

    /** The certificate lines of the health check. */
    void contributeStatus(StatusFindings findings, Instant now) {
        X509Certificate leaf;
        String id;
        synchronized (lock) {
            parsed();
            leaf = chain.get(0);
            id = deviceId;
        }
        String subjectProblem = CertificateSubjects.problem(leaf, id);
        if (subjectProblem != null) {
            findings.action("certificate", "The certificate's subject does not name the device id "
                    + id + " as CN (" + subjectProblem + "): a broker that takes the CN as the MQTT user name "
                    + "(Mosquitto use_identity_as_username, ACL devices/%u/#) refuses every publish (MQTT 5 reason code "
                    + "135). Fine only if your broker maps the certificate another way; otherwise have the CA issue "
                    + "CN=" + id + " and install it with device.installCertificateChain(...)");
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (Identity.isSelfSigned(leaf)) {
            findings.action("certificate", "No issued certificate: send "
                    + "device.certificateSigningRequestPem() to your CA, then device.installCertificateChain(...)");
        } else if (now.plus(Duration.ofDays(MqttSettings.DEFAULT_RENEWAL_DAYS)).isAfter(notAfter)) {
            findings.action("certificate", "Certificate expires " + notAfter
                    + ": renew it (same CSR) and install it with device.installCertificateChain(...)");
        } else {
            findings.ok("certificate", "Issued certificate installed, valid until " + notAfter);
        }
    }

    /** The evidence of the identity key and certificate, read from this part's keystore entries. */
    void contributeFacts(EvidenceSink sink) {
        synchronized (lock) {
            boolean keyPresent = keystore.contains(KEY);
            parsed();
            boolean matches = chain != null && !chain.isEmpty() && chain.get(0).getPublicKey().equals(publicKey);
            sink.add(Mechanism.IDENTITY_KEY, Evidence.observed(Mechanism.IDENTITY_KEY, keyPresent && matches,
                    keyPresent && matches ? "per-device identity key in the keystore (" + KEY
                            + "), matching the certificate; device id " + deviceId + " derived from it"
                            : !keyPresent ? "no identity key in the keystore"
                            : "the certificate does not match the identity key"));
            boolean issued = chain != null && !chain.isEmpty() && !Identity.isSelfSigned(chain.get(0));
            sink.add(Mechanism.CERTIFICATE_ISSUED, Evidence.observed(Mechanism.CERTIFICATE_ISSUED, issued,
                    issued ? "identity certificate issued by " + chain.get(0).getIssuerX500Principal().getName()
                            : "identity certificate is still self-signed"));
        }
    }
}
