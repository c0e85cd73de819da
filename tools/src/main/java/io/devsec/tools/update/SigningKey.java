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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
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
 * unencrypted PKCS#8 PEM, signing DSSE envelopes with Bouncy Castle's lightweight signers. ECDSA
 * signs the SHA-256 of the pre-authentication encoding with deterministic nonces (RFC 6979) and
 * DER-encodes the signature, as the JDK's {@code SHA256withECDSA} and openssl do.
 */
public final class SigningKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AsymmetricKeyParameter privateKey;
    private final VerificationKey publicKey;

    private SigningKey(AsymmetricKeyParameter privateKey, VerificationKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
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
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + " is not an unencrypted PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": PEM body is not base64");
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
            throw new IOException(file + ": not a supported private key (" + ex.getMessage() + ")", ex);
        } finally {
            Arrays.fill(der, (byte) 0);
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
        if (Files.exists(keyFile) || Files.exists(pubFile)) {
            throw new FileAlreadyExistsException(Files.exists(keyFile) ? keyFile.toString() : pubFile.toString(),
                    null, "refusing to overwrite a key file");
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
        byte[] pem = ("-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        try {
            try {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(keyFile);
            }
            Files.write(keyFile, pem, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
        }
        Files.writeString(pubFile, publicKey.toPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.algorithm().id() + ", " + keyId() + "]";
    }
}
