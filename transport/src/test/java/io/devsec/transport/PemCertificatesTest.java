package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemCertificatesTest {

    static TestCa ca;
    static TestCa.Issued device;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestCa.create("PEM Test CA");
        device = ca.device("ds-pemtest");
    }

    @Test
    void parse_chainWrittenByBouncyCastle_returnsCertificatesInOrder() throws Exception {
        String pem = TestCa.pem(device.certificate()) + "\n\n" + TestCa.pem(ca.caCertificate());
        assertThat(PemCertificates.parse(pem)).containsExactly(device.certificate(), ca.caCertificate());
    }

    @Test
    void encode_thenParse_roundTrips() throws Exception {
        List<X509Certificate> chain = List.of(device.certificate(), ca.caCertificate());
        String pem = PemCertificates.encode(chain);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(PemCertificates.parse(pem)).isEqualTo(chain);
        assertThat(PemCertificates.parse(pem.replace("\n", "\r\n"))).isEqualTo(chain);
    }

    @Test
    void parse_emptyOrBlank_refusedAsHoldingNoCertificate() {
        for (String blank : new String[] {"", "  \n\n\t\n"}) {
            assertThatThrownBy(() -> PemCertificates.parse(blank)).isInstanceOf(CertificateParsingException.class)
                    .hasMessageContaining("holds no certificate");
        }
    }

    @Test
    void parse_privateKeyBlock_refusedWithoutEchoingTheKey() throws Exception {
        String keyPem = TestCa.pem(device.privateKey());
        String body = keyPem.split("\n")[1];
        assertThatThrownBy(() -> PemCertificates.parse(TestCa.pem(device.certificate()) + keyPem))
                .isInstanceOf(CertificateParsingException.class)
                .hasMessageContaining("PRIVATE KEY")
                .hasMessageContaining("never belongs")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body));
    }

    @Test
    void parse_garbageOrExplanatoryText_refusedNamingTheLine() throws Exception {
        assertThatThrownBy(() -> PemCertificates.parse("hello world"))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("line 1").hasMessageContaining("outside");
        String withSubject = "subject=CN = ds-pemtest\n" + TestCa.pem(device.certificate());
        assertThatThrownBy(() -> PemCertificates.parse(withSubject))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("line 1");
        String trailing = TestCa.pem(device.certificate()) + "trailing words\n";
        assertThatThrownBy(() -> PemCertificates.parse(trailing)).isInstanceOf(CertificateParsingException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void parse_damagedBlocks_refusedWithReason() throws Exception {
        String good = TestCa.pem(device.certificate());
        String[] lines = good.split("\n");
        String cut = String.join("\n", java.util.Arrays.copyOf(lines, lines.length - 1));
        assertThatThrownBy(() -> PemCertificates.parse(cut)).isInstanceOf(CertificateParsingException.class)
                .hasMessageContaining("no -----END CERTIFICATE-----");
        assertThatThrownBy(() -> PemCertificates.parse(good.replace(lines[1], lines[1].substring(0, 10) + "*" + lines[1].substring(11))))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("base64");
        String notCert = "-----BEGIN CERTIFICATE-----\n" + Base64.getEncoder().encodeToString("not DER".getBytes(StandardCharsets.US_ASCII))
                + "\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> PemCertificates.parse(notCert)).isInstanceOf(CertificateParsingException.class)
                .hasMessageContaining("readable X.509");
        byte[] der = device.certificate().getEncoded();
        byte[] extra = java.util.Arrays.copyOf(der, der.length + 3);
        String trailingBytes = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(extra)
                + "\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> PemCertificates.parse(trailingBytes)).isInstanceOf(CertificateParsingException.class);
        assertThatThrownBy(() -> PemCertificates.parse(good.replace("-----END CERTIFICATE-----", "-----END X509 CRL-----")))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("another label");
        assertThatThrownBy(() -> PemCertificates.parse(TestCa.pem(ca.crl())))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("X509 CRL");
    }

    @Test
    void read_derFile_refusedWithConversionHint() throws Exception {
        Path der = dir.resolve("cert.der");
        Files.write(der, device.certificate().getEncoded());
        assertThatThrownBy(() -> PemCertificates.read(der)).isInstanceOf(CertificateParsingException.class)
                .hasMessageContaining("cert.der").hasMessageContaining("-inform DER");
    }

    @Test
    void trustAnchorsFromPem_stringAndPath_strictlyParsed() throws Exception {
        String pem = TestCa.pem(ca.caCertificate());
        assertThat(TrustAnchors.fromPem(pem).certificates()).containsExactly(ca.caCertificate());
        Path file = dir.resolve("ca.pem");
        Files.writeString(file, pem);
        assertThat(TrustAnchors.fromPem(file).certificates()).containsExactly(ca.caCertificate());
        assertThatThrownBy(() -> TrustAnchors.fromPem(pem + TestCa.pem(device.privateKey())))
                .isInstanceOf(CertificateParsingException.class).hasMessageContaining("PRIVATE KEY");
        assertThatThrownBy(() -> TrustAnchors.fromPem("")).isInstanceOf(CertificateParsingException.class);
        assertThatThrownBy(() -> TrustAnchors.fromPem("garbage\n" + pem)).isInstanceOf(CertificateParsingException.class);
    }
}
