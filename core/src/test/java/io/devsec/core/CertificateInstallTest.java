package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.ManualClock;
import io.devsec.testkit.TestCa;
import io.devsec.transport.PemCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing an issued chain: PEM in and out, and the subject CN a CN-as-user-name broker needs. */
class CertificateInstallTest {

    @TempDir
    Path dir;

    final Instant start = Instant.parse("2026-01-15T10:00:00Z");
    final ManualClock clock = new ManualClock(start);

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Thermostat").clock(clock);
    }

    X509Certificate issue(TestCa ca, String cn, PublicKey key) throws Exception {
        return ca.issue(cn, key, start.minusSeconds(60), start.plus(Duration.ofDays(90)));
    }

    static X509Certificate issueSubject(TestCa ca, X500Name subject, PublicKey key, Instant now) throws Exception {
        return ca.leaf(new X500Principal(subject.getEncoded())).publicKey(key).noDefaultExtensions()
                .validity(now.minusSeconds(60), now.plus(Duration.ofDays(90))).issue().certificate();
    }

    @Test
    void installCertificateChain_leafCnIsNotTheDeviceId_refusedBeforeTheBrokerRefusesEveryPublish() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate wrong = issue(ca, "thermostat-0042", device.identityPublicKey());
            assertThatThrownBy(() -> device.installCertificateChain(List.of(wrong, ca.caCertificate())))
                    .isInstanceOfSatisfying(CertificateSubjectException.class, e -> {
                        assertThat(e.deviceId()).isEqualTo(device.deviceId());
                        assertThat(e.offeredSubject()).isEqualTo("CN=thermostat-0042");
                        assertThat(e.commonName()).contains("thermostat-0042");
                        assertThat(e.getMessage()).contains("use_identity_as_username").contains("CN=" + device.deviceId());
                    });
            assertThat(device.status().certificateSelfSigned()).as("nothing installed").isTrue();
            assertThat(device.certificateChain().get(0).getSubjectX500Principal().getName())
                    .isEqualTo("CN=" + device.deviceId());
        }
    }

    @Test
    void installCertificateChain_ambiguousOrOddlyEncodedCn_refused() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            String id = device.deviceId();
            X500Name noCn = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Acme").build();
            X500Name twoCns = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id).addRDN(BCStyle.CN, "other").build();
            X500Name bmp = new X500Name(new org.bouncycastle.asn1.x500.RDN[] {new org.bouncycastle.asn1.x500.RDN(BCStyle.CN,
                    new DERBMPString(id))});
            for (X500Name subject : List.of(noCn, twoCns, bmp)) {
                X509Certificate leaf = issueSubject(ca, subject, device.identityPublicKey(), start);
                assertThatThrownBy(() -> device.installCertificateChain(List.of(leaf, ca.caCertificate())))
                        .as(subject.toString()).isInstanceOf(CertificateSubjectException.class);
            }
            X500Name withOrg = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Acme").addRDN(BCStyle.CN, id).build();
            device.installCertificateChain(List.of(issueSubject(ca, withOrg, device.identityPublicKey(), start), ca.caCertificate()));
            assertThat(device.status().certificateCnIsDeviceId()).isTrue();
        }
    }

    @Test
    void installCertificateChain_otherCnWithExplicitOption_installedAndStatusSaysTheBrokerWillRefuse() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.status().certificateCnIsDeviceId()).isTrue();
            assertThat(device.status().certificateCommonName()).contains(device.deviceId());
            X509Certificate other = issue(ca, "thermostat-0042", device.identityPublicKey());
            device.installCertificateChain(List.of(other, ca.caCertificate()), SubjectCheck.ACCEPT_ANY_SUBJECT);
            DeviceStatus status = device.status();
            assertThat(status.certificateSelfSigned()).isFalse();
            assertThat(status.certificateCnIsDeviceId()).isFalse();
            assertThat(status.certificateCommonName()).contains("thermostat-0042");
            assertThat(status.findings()).anySatisfy(f -> {
                assertThat(f.area()).isEqualTo("certificate");
                assertThat(f.level()).isEqualTo(DeviceStatus.Finding.Level.ACTION);
                assertThat(f.text()).contains("135").contains(device.deviceId());
            });
            assertThat(status.toText()).contains("Certificate CN:       thermostat-0042 (NOT the device id");
            // a public key mismatch is still refused with the option
            assertThatThrownBy(() -> device.installCertificateChain(List.of(issue(ca, "x", TestCa.ecKeyPair().getPublic())),
                    SubjectCheck.ACCEPT_ANY_SUBJECT)).isInstanceOf(CertificateMismatchException.class);
        }
    }

    @Test
    void installCertificateChain_leafWithTheDeviceKeyInExplicitCurveForm_refusedAsAnotherKey() throws Exception {
        // RFC 5480 allows only the named-curve form; the device id is read from the certificate's own key bytes
        // at start, so a leaf whose key field differs byte for byte from the device key would change the id.
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            org.bouncycastle.asn1.x509.SubjectPublicKeyInfo named = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
                    .getInstance(device.identityPublicKey().getEncoded());
            org.bouncycastle.asn1.x9.X9ECParameters p256 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("P-256");
            org.bouncycastle.asn1.x509.SubjectPublicKeyInfo explicit = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
                            new org.bouncycastle.asn1.x9.X962Parameters(p256)),
                    named.getPublicKeyData().getBytes());
            org.bouncycastle.cert.X509v3CertificateBuilder b = new org.bouncycastle.cert.X509v3CertificateBuilder(
                    X500Name.getInstance(ca.caCertificate().getSubjectX500Principal().getEncoded()),
                    java.math.BigInteger.valueOf(7), java.util.Date.from(start.minusSeconds(60)),
                    java.util.Date.from(start.plus(Duration.ofDays(90))), new X500Name("CN=" + device.deviceId()), explicit)
                    .addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
                            new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth));
            // The JDK's own X.509 parser refuses explicit curves outright ("Only named ECParameters supported"), so
            // only a certificate object from another provider can carry one this far.
            X509Certificate leaf = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).getCertificate(b.build(
                            new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                                    .build(ca.caKeyPair().getPrivate())));

            assertThatThrownBy(() -> device.installCertificateChain(List.of(leaf, ca.caCertificate())))
                    .isInstanceOf(CertificateMismatchException.class);
            assertThat(device.status().certificateSelfSigned()).as("nothing installed").isTrue();
        }
    }

    @Test
    void restart_afterAnIssuedChainIsInstalled_keepsTheDeviceIdAndTheChain() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        String id;
        List<X509Certificate> installed;
        try (DeviceSecurity device = builder().build()) {
            id = device.deviceId();
            device.installCertificateChain(List.of(issue(ca, id, device.identityPublicKey()), ca.caCertificate()));
            installed = device.certificateChain();
        }
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.deviceId()).isEqualTo(id);
            assertThat(device.certificateChain()).isEqualTo(installed);
            assertThat(device.identityPublicKey()).isEqualTo(installed.get(0).getPublicKey());
            assertThat(device.status().certificateSelfSigned()).isFalse();
        }
    }

    @Test
    void installCertificateChainPem_stringAndFile_installedAndWrittenBackAsPem() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate leaf = issue(ca, device.deviceId(), device.identityPublicKey());
            String pem = PemCertificates.encode(List.of(leaf, ca.caCertificate()));
            device.installCertificateChainPem(pem);
            assertThat(device.certificateChain()).containsExactly(leaf, ca.caCertificate());
            assertThat(device.certificateChainPem()).isEqualTo(pem);
            assertThat(device.status().toText()).contains("Certificate CN:       " + device.deviceId() + " (the device id");

            X509Certificate renewed = ca.issue(device.deviceId(), device.identityPublicKey(), start, start.plus(Duration.ofDays(180)));
            Path file = dir.resolve("device.pem");
            Files.writeString(file, PemCertificates.encode(List.of(renewed, ca.caCertificate())));
            device.installCertificateChain(file);
            assertThat(device.certificateChain().get(0)).isEqualTo(renewed);
        }
    }

    @Test
    void installCertificateChainPem_garbageKeyOrEmpty_refusedAndNothingInstalled() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            String leafPem = PemCertificates.encode(List.of(issue(ca, device.deviceId(), device.identityPublicKey())));
            String key = "-----BEGIN EC PRIVATE KEY-----\n"
                    + Base64.getEncoder().encodeToString(TestCa.ecKeyPair().getPrivate().getEncoded())
                    + "\n-----END EC PRIVATE KEY-----\n";
            assertThatThrownBy(() -> device.installCertificateChainPem(leafPem + key))
                    .isInstanceOf(CertificateParsingException.class).hasMessageContaining("PRIVATE KEY");
            assertThatThrownBy(() -> device.installCertificateChainPem(""))
                    .isInstanceOf(CertificateParsingException.class).hasMessageContaining("no certificate");
            assertThatThrownBy(() -> device.installCertificateChainPem("Certificate:\n    Data: ...\n" + leafPem))
                    .isInstanceOf(CertificateParsingException.class).hasMessageContaining("line 1");
            Path missing = dir.resolve("none.pem");
            assertThatThrownBy(() -> device.installCertificateChain(missing)).isInstanceOf(java.nio.file.NoSuchFileException.class);
            assertThat(device.status().certificateSelfSigned()).isTrue();
        }
    }

    @Test
    void installCertificateChain_leafNotForClientAuth_refusedWithUsageException() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X500Name subject = new X500Name("CN=" + device.deviceId());
            X509Certificate serverOnly = issueWith(ca, subject, device.identityPublicKey(),
                    new org.bouncycastle.asn1.x509.Extension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
                            new org.bouncycastle.asn1.DEROctetString(new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                                    org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth))));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(serverOnly, ca.caCertificate())))
                    .isInstanceOf(CertificateUsageException.class).hasMessageContaining("clientAuth");
            X509Certificate encipherOnly = issueWith(ca, subject, device.identityPublicKey(),
                    new org.bouncycastle.asn1.x509.Extension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                            new org.bouncycastle.asn1.DEROctetString(new org.bouncycastle.asn1.x509.KeyUsage(
                                    org.bouncycastle.asn1.x509.KeyUsage.keyEncipherment))));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(encipherOnly, ca.caCertificate()),
                    SubjectCheck.ACCEPT_ANY_SUBJECT)).isInstanceOf(CertificateUsageException.class)
                    .hasMessageContaining("digitalSignature");
            assertThat(device.status().certificateSelfSigned()).isTrue();
            X509Certificate good = issueWith(ca, subject, device.identityPublicKey(),
                    new org.bouncycastle.asn1.x509.Extension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
                            new org.bouncycastle.asn1.DEROctetString(new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                                    org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth))));
            device.installCertificateChain(List.of(good, ca.caCertificate()));
        }
    }

    X509Certificate issueWith(TestCa ca, X500Name subject, PublicKey key, org.bouncycastle.asn1.x509.Extension extension)
            throws Exception {
        return ca.leaf(new X500Principal(subject.getEncoded())).publicKey(key).noDefaultExtensions().extension(extension)
                .validity(start.minusSeconds(60), start.plus(Duration.ofDays(90))).issue().certificate();
    }
}
