package io.devsec.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateDerTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void subjectPublicKeyInfo_ofIdentityCertificates_equalsTheKeyEncodingAndGivesTheSameDeviceId() {
        for (Optional<String> serial : Arrays.asList(Optional.<String>empty(), Optional.of("SN-0001-ACME"))) {
            KeyPair keys = Identity.generateKeyPair(random);
            String id = Identity.deviceId(keys.getPublic());
            X509Certificate cert = Identity.selfSignedCertificate(keys, id, serial, Instant.now(), random);
            byte[] spki = CertificateDer.subjectPublicKeyInfo(encoded(cert));
            assertThat(spki).isEqualTo(keys.getPublic().getEncoded()).isEqualTo(cert.getPublicKey().getEncoded());
            assertThat(Identity.deviceId(spki)).isEqualTo(id);
        }
    }

    @Test
    void subjectPublicKeyInfo_ofVersion1RsaCertificate_withoutVersionFieldAndLongLengths() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=v1 test");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v1CertificateBuilder(name,
                BigInteger.valueOf(7), new Date(0), new Date(4102444800000L), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        assertThat(cert.getVersion()).isEqualTo(1);
        assertThat(CertificateDer.subjectPublicKeyInfo(encoded(cert))).isEqualTo(keys.getPublic().getEncoded());
    }

    @Test
    void subjectPublicKeyInfo_truncatedAnywhere_throwsIllegalArgumentException() {
        KeyPair keys = Identity.generateKeyPair(random);
        byte[] der = encoded(Identity.selfSignedCertificate(keys, Identity.deviceId(keys.getPublic()), Optional.empty(),
                Instant.now(), random));
        for (int n = 0; n < der.length; n++) {
            byte[] cut = Arrays.copyOf(der, n);
            assertThatThrownBy(() -> CertificateDer.subjectPublicKeyInfo(cut)).as("first %d bytes", n)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void subjectPublicKeyInfo_trailingBytesWrongTagOrNonMinimalLength_throwsIllegalArgumentException() {
        KeyPair keys = Identity.generateKeyPair(random);
        byte[] der = encoded(Identity.selfSignedCertificate(keys, Identity.deviceId(keys.getPublic()), Optional.empty(),
                Instant.now(), random));
        byte[] longer = Arrays.copyOf(der, der.length + 1);
        assertThatThrownBy(() -> CertificateDer.subjectPublicKeyInfo(longer)).isInstanceOf(IllegalArgumentException.class);
        byte[] wrongTag = der.clone();
        wrongTag[0] = 0x31;
        assertThatThrownBy(() -> CertificateDer.subjectPublicKeyInfo(wrongTag)).isInstanceOf(IllegalArgumentException.class);
        // SEQUENCE of length 5 written in the long form (0x81 0x05): not DER
        byte[] nonMinimal = {0x30, (byte) 0x81, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00};
        assertThatThrownBy(() -> CertificateDer.subjectPublicKeyInfo(nonMinimal)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateDer.subjectPublicKeyInfo(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }
}
