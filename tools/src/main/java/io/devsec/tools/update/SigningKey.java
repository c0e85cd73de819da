package io.devsec.tools.update;

import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.UnsupportedKeyException;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * A metadata signing key (manufacturer side only): Ed25519 or ECDSA P-256, read from and written to
 * PKCS#8 PEM (unencrypted, or passphrase-encrypted: see {@link EncryptedPkcs8}), signing DSSE
 * envelopes with Bouncy Castle's lightweight signers; or a key held in a PKCS#11 token, signing
 * through its JCA provider (SunPKCS11) without its bytes ever leaving the token. ECDSA signs the
 * SHA-256 of the pre-authentication encoding (with deterministic nonces, RFC 6979, in software) and
 * DER-encodes the signature, as the JDK's {@code SHA256withECDSA} and openssl do.
 *
 * <p>A key file is refused when its POSIX permissions let group or others read or write it. Where
 * the file system has no POSIX permissions (Windows), that check cannot be made.
 */
public final class SigningKey {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    /** Asks for the passphrase of an encrypted key file; returns a copy the caller wipes. */
    @FunctionalInterface
    public interface PassphraseSource {
        char[] passphraseFor(Path keyFile) throws IOException;
    }

    private final AsymmetricKeyParameter privateKey;
    private final PrivateKey tokenKey;
    private final Provider tokenProvider;
    private final VerificationKey publicKey;

    private SigningKey(AsymmetricKeyParameter privateKey, VerificationKey publicKey) {
        this.privateKey = privateKey;
        this.tokenKey = null;
        this.tokenProvider = null;
        this.publicKey = publicKey;
    }

    private SigningKey(PrivateKey tokenKey, Provider provider, VerificationKey publicKey) {
        this.privateKey = null;
        this.tokenKey = tokenKey;
        this.tokenProvider = provider;
        this.publicKey = publicKey;
    }

    /**
     * A key held by a JCA provider, typically a PKCS#11 token: signs with {@code SHA256withECDSA} (P-256)
     * or {@code Ed25519} through that provider.
     *
     * @param key the private key handle
     * @param publicKey its public key (from the token's certificate)
     * @param provider the provider that holds the key
     * @return the signing key
     * @throws UnsupportedKeyException when the public key is not Ed25519 or EC P-256
     */
    public static SigningKey held(PrivateKey key, PublicKey publicKey, Provider provider) throws UnsupportedKeyException {
        return new SigningKey(key, provider, VerificationKey.fromSubjectPublicKeyInfo(publicKey.getEncoded()));
    }

    /** A new random key. */
    public static SigningKey generate(KeyAlgorithm algorithm) {
        AsymmetricCipherKeyPair kp;
        if (algorithm == KeyAlgorithm.ED25519) {
            Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
            g.init(new Ed25519KeyGenerationParameters(RANDOM));
            kp = g.generateKeyPair();
        } else {
            ECKeyPairGenerator g = new ECKeyPairGenerator();
            g.init(new ECKeyGenerationParameters(new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                    ECNamedCurveTable.getByName("P-256")), RANDOM));
            kp = g.generateKeyPair();
        }
        return new SigningKey(kp.getPrivate(), toVerificationKey(kp.getPublic()));
    }

    /** Reads an unencrypted PKCS#8 {@code PRIVATE KEY} PEM file (ours or openssl's). */
    public static SigningKey read(Path file) throws IOException {
        return read(file, f -> {
            throw new IOException(f + " is encrypted: a passphrase is needed");
        });
    }

    /**
     * Reads a PKCS#8 PEM file, {@code PRIVATE KEY} or {@code ENCRYPTED PRIVATE KEY} (ours or openssl's),
     * after checking that only its owner can read it.
     *
     * @param file the key file
     * @param passphrases asked only when the file is encrypted
     * @return the key
     * @throws IOException when the file is readable by group or others, unreadable, not a supported key,
     *     or the passphrase is wrong
     */
    public static SigningKey read(Path file, PassphraseSource passphrases) throws IOException {
        checkOwnerOnly(file);
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        boolean encrypted = pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        String label = encrypted ? "ENCRYPTED PRIVATE KEY" : "PRIVATE KEY";
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY or BEGIN ENCRYPTED"
                    + " PRIVATE KEY)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": PEM body is not base64");
        }
        if (encrypted) {
            char[] pass = passphrases.passphraseFor(file);
            try {
                der = EncryptedPkcs8.decrypt(der, pass);
            } catch (EncryptedPkcs8.WrongPassphraseException ex) {
                throw new IOException(file + ": " + ex.getMessage(), ex);
            } catch (IOException ex) {
                throw new IOException(file + ": " + ex.getMessage(), ex);
            } finally {
                Arrays.fill(pass, '\0');
            }
        }
        try {
            AsymmetricKeyParameter priv = PrivateKeyFactory.createKey(der);
            if (priv instanceof Ed25519PrivateKeyParameters) {
                return new SigningKey(priv, toVerificationKey(((Ed25519PrivateKeyParameters) priv).generatePublicKey()));
            }
            if (priv instanceof ECPrivateKeyParameters) {
                ECPrivateKeyParameters ec = (ECPrivateKeyParameters) priv;
                ECPublicKeyParameters pub = new ECPublicKeyParameters(
                        ec.getParameters().getG().multiply(ec.getD()).normalize(), ec.getParameters());
                return new SigningKey(priv, toVerificationKey(pub));
            }
            throw new IOException(file + ": not an Ed25519 or EC P-256 private key");
        } catch (IOException | RuntimeException ex) {
            if (encrypted) {
                // A wrong passphrase passes the CBC padding check about once in 256 tries.
                throw new IOException(file + ": wrong passphrase (or a damaged key file)", ex);
            }
            throw new IOException(file + ": not a supported private key (" + ex.getMessage() + ")", ex);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * Refuses a key file that group or others may read or write (as ssh does). Does nothing where the
     * file system has no POSIX permissions.
     */
    static void checkOwnerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        for (PosixFilePermission p : perms) {
            if (GROUP_OR_OTHERS.contains(p)) {
                throw new IOException(file + " is readable or writable by group or others (mode "
                        + PosixFilePermissions.toString(perms) + "): refusing to use it; run chmod 600 " + file);
            }
        }
    }

    private static VerificationKey toVerificationKey(AsymmetricKeyParameter pub) {
        try {
            return VerificationKey.fromSubjectPublicKeyInfo(
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded("DER"));
        } catch (IOException | UnsupportedKeyException e) {
            throw new IllegalStateException("cannot encode public key: " + e.getMessage(), e);
        }
    }

    public VerificationKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return publicKey.keyId();
    }

    /** Signs the DSSE pre-authentication encoding of {@code payloadType} and {@code payload}. */
    public Envelope.Signature signEnvelope(String payloadType, byte[] payload) {
        return Envelope.Signature.of(keyId(), sign(Envelope.preAuthenticationEncoding(payloadType, payload)));
    }

    byte[] sign(byte[] message) {
        if (tokenKey != null) {
            try {
                Signature sig = Signature.getInstance(
                        publicKey.algorithm() == KeyAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA", tokenProvider);
                sig.initSign(tokenKey);
                sig.update(message);
                return sig.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the token (" + tokenProvider.getName() + ") cannot sign with "
                        + publicKey.algorithm().id() + ": " + e.getMessage(), e);
            }
        }
        if (privateKey instanceof Ed25519PrivateKeyParameters) {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, privateKey);
            s.update(message, 0, message.length);
            return s.generateSignature();
        }
        ECPrivateKeyParameters ec = (ECPrivateKeyParameters) privateKey;
        ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        s.init(true, ec);
        try {
            BigInteger[] rs = s.generateSignature(MessageDigest.getInstance("SHA-256").digest(message));
            return StandardDSAEncoding.INSTANCE.encode(ec.getParameters().getN(), rs[0], rs[1]);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code base.key} (PKCS#8 PEM, created with mode 0600 before any byte is written) and
     * {@code base.pub} (SubjectPublicKeyInfo PEM). Refuses to overwrite either file.
     */
    public void write(Path keyFile, Path pubFile) throws IOException {
        write(keyFile, pubFile, null, false);
    }

    /**
     * Writes {@code keyFile} (PKCS#8 PEM, encrypted under {@code passphrase} when it is not null; created
     * with mode 0600 where POSIX permissions exist, before any byte is written) and {@code pubFile}
     * (SubjectPublicKeyInfo PEM).
     *
     * @param keyFile the private key file
     * @param pubFile the public key file
     * @param passphrase null for an unencrypted key
     * @param force replace existing files instead of refusing
     * @throws FileAlreadyExistsException when a file exists and {@code force} is false
     * @throws IOException when writing fails
     */
    public void write(Path keyFile, Path pubFile, char[] passphrase, boolean force) throws IOException {
        if (privateKey == null) {
            throw new IllegalStateException("a key held in a token cannot be written to a file");
        }
        if (!force && (Files.exists(keyFile) || Files.exists(pubFile))) {
            throw new FileAlreadyExistsException(Files.exists(keyFile) ? keyFile.toString() : pubFile.toString(),
                    null, "refusing to overwrite a key file (use --force)");
        }
        byte[] der;
        if (privateKey instanceof Ed25519PrivateKeyParameters) {
            // PKCS#8 v1 (RFC 8410), without the optional public key: openssl 3.0 reads only this form.
            byte[] seed = ((Ed25519PrivateKeyParameters) privateKey).getEncoded();
            der = new PrivateKeyInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112")),
                    new DEROctetString(seed)).getEncoded("DER");
            Arrays.fill(seed, (byte) 0);
        } else {
            der = PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded("DER");
        }
        String label = "PRIVATE KEY";
        if (passphrase != null) {
            byte[] plain = der;
            try {
                der = EncryptedPkcs8.encrypt(plain, passphrase, RANDOM);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
            label = "ENCRYPTED PRIVATE KEY";
        }
        byte[] pem = ("-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
        Path abs = keyFile.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.write(tmp, pem, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            if (force) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, abs);
            }
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
            Files.deleteIfExists(tmp);
        }
        if (force) {
            CliSupport.writeAtomically(pubFile, publicKey.toPem().getBytes(StandardCharsets.US_ASCII), true);
        } else {
            Files.writeString(pubFile, publicKey.toPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.algorithm().id() + ", " + keyId() + "]";
    }
}
