package io.devsec.core.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The device identity: an EC P-256 key pair generated through Bouncy Castle's lightweight API (5-10x
 * faster than the JDK's), converted to JDK key objects so JSSE can use them; the device id derived from
 * the public key; the PKCS#10 request and the self-signed placeholder certificate.
 */
public final class Identity {

    /** Prefix of every device id. */
    public static final String DEVICE_ID_PREFIX = "ds-";

    /**
     * notAfter of a self-signed identity certificate: 99991231235959Z, RFC 5280 section 4.1.2.5's
     * "no well-defined expiration date", as IEEE 802.1AR uses for device identities.
     */
    // 9999-12-31T23:59:59Z as epoch seconds: Instant.parse here initialised java.time's formatters (about
    // 30 ms) at every start, for a constant.
    public static final Instant NO_EXPIRY = Instant.ofEpochSecond(253402300799L);

    // Signatures go through the JDK's default provider (SunEC, or the platform's on Android): registering or
    // instantiating BouncyCastleProvider loaded about 400 classes at every start for two signatures made
    // only at first start. Key generation uses BC's lightweight classes directly.
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** P-256 domain parameters, built on first key generation only (not on a start that loads its key). */
    private static final class P256Holder {
        static final ECDomainParameters P256;

        static {
            X9ECParameters x9 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
            P256 = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, x9);
        }
    }

    private Identity() {}

    /** Generates a fresh P-256 key pair (BC lightweight generator), returned as JDK (SunEC) keys. */
    public static KeyPair generateKeyPair(SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(P256Holder.P256, random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        byte[] pkcs8 = null;
        try {
            PrivateKeyInfo privateInfo = PrivateKeyInfoFactory.createPrivateKeyInfo(pair.getPrivate());
            SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic());
            pkcs8 = privateInfo.getEncoded();
            KeyFactory kf = KeyFactory.getInstance("EC");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(publicInfo.getEncoded()));
            return new KeyPair(pub, priv);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key conversion failed", e);
        } finally {
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /**
     * The device id: {@value #DEVICE_ID_PREFIX} followed by the lower-case base32 of the first 20 bytes
     * (160 bits) of SHA-256 over the DER SubjectPublicKeyInfo. Stable for a key, unique per key, and
     * unrelated to serial number or MAC.
     */
    public static String deviceId(PublicKey publicKey) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        return DEVICE_ID_PREFIX + base32(Arrays.copyOf(digest, 20));
    }

    static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    private static X500Name subject(String deviceId, Optional<String> serialNumber) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        b.addRDN(BCStyle.CN, deviceId);
        serialNumber.ifPresent(s -> b.addRDN(BCStyle.SERIALNUMBER, s));
        return b.build();
    }

    /** A PKCS#10 request for the identity key, subject CN=device id (and serialNumber when known), DER. */
    public static byte[] certificateSigningRequest(KeyPair keys, String deviceId, Optional<String> serialNumber) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate());
            PKCS10CertificationRequest csr =
                    new JcaPKCS10CertificationRequestBuilder(subject(deviceId, serialNumber), keys.getPublic()).build(signer);
            return csr.getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("creating the certificate signing request failed", e);
        }
    }

    /**
     * A self-signed certificate for the identity key, valid from {@code now} (less a minute of clock
     * tolerance) to {@link #NO_EXPIRY}: an end-entity certificate for TLS client authentication.
     */
    public static X509Certificate selfSignedCertificate(KeyPair keys, String deviceId, Optional<String> serialNumber,
            Instant now, SecureRandom random) {
        try {
            X500Name name = subject(deviceId, serialNumber);
            byte[] serialBytes = new byte[16];
            random.nextBytes(serialBytes);
            serialBytes[0] &= 0x7f;
            serialBytes[0] |= 0x01;
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(serialBytes),
                    Date.from(now.minusSeconds(60)), Date.from(NO_EXPIRY), name, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("creating the self-signed certificate failed", e);
        }
    }

    /** Whether a certificate is self-signed by the given key (issuer = subject, signature verifies). */
    public static boolean isSelfSigned(X509Certificate cert) {
        if (!cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PEM text of a DER PKCS#10 request. */
    public static String csrPem(byte[] der) {
        try {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(new PKCS10CertificationRequest(der));
            }
            return out.toString();
        } catch (IOException e) {
            throw new IllegalStateException("encoding the certificate signing request as PEM failed", e);
        }
    }


}
