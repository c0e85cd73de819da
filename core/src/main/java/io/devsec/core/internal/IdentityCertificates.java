package io.devsec.core.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
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
 * The Bouncy Castle side of {@link Identity}: P-256 key generation, the PKCS#10 request, the self-signed
 * certificate and PEM encoding. Kept out of {@link Identity} so that a start which only loads its identity
 * (and calls {@link Identity#deviceId}) does not load Bouncy Castle classes.
 */
final class IdentityCertificates {

    // Signatures go through the JDK's default provider (SunEC, or the platform's on Android): registering or
    // instantiating BouncyCastleProvider loaded about 400 classes at every start for two signatures made
    // only at first start. Key generation uses BC's lightweight classes directly.
    private static final String SIGNATURE = "SHA256withECDSA";

    /** P-256 domain parameters, built on first key generation only (not on a start that loads its key). */
    private static final class P256Holder {
        static final ECDomainParameters P256;

        static {
            X9ECParameters x9 = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
            P256 = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, x9);
        }
    }

    private IdentityCertificates() {}

    /** Generates a fresh P-256 key pair (BC lightweight generator), returned as JDK (SunEC) keys. */
    static KeyPair generateKeyPair(SecureRandom random) {
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

    private static X500Name subject(String deviceId, Optional<String> serialNumber) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        b.addRDN(BCStyle.CN, deviceId);
        serialNumber.ifPresent(s -> b.addRDN(BCStyle.SERIALNUMBER, s));
        return b.build();
    }

    /** A PKCS#10 request for the identity key, subject CN=device id (and serialNumber when known), DER. */
    static byte[] certificateSigningRequest(KeyPair keys, String deviceId, Optional<String> serialNumber) {
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
     * tolerance) to {@link Identity#NO_EXPIRY}: an end-entity certificate for TLS client authentication.
     */
    static X509Certificate selfSignedCertificate(KeyPair keys, String deviceId, Optional<String> serialNumber,
            Instant now, SecureRandom random) {
        try {
            X500Name name = subject(deviceId, serialNumber);
            byte[] serialBytes = new byte[16];
            random.nextBytes(serialBytes);
            serialBytes[0] &= 0x7f;
            serialBytes[0] |= 0x01;
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(serialBytes),
                    Date.from(now.minusSeconds(60)), Date.from(Identity.NO_EXPIRY), name, keys.getPublic());
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

    /** PEM text of a DER PKCS#10 request. */
    static String csrPem(byte[] der) {
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
