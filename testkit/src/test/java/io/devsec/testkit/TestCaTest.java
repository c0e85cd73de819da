package io.devsec.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class TestCaTest {
    @Test
    void leafOfAnIntermediate_validatesToTheRoot_withTheChosenUsages() throws Exception {
        TestCa root = TestCa.create("Root");
        TestCa inter = root.intermediate("Inter");
        TestCa.Issued leaf = inter.leaf("dev-1").keyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement)
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth).dnsNames("dev.local").issue();
        assertThat(leaf.chain()).hasSize(3);
        assertThat(leaf.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=dev-1");
        assertThat(leaf.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
        assertThat(leaf.certificate().getKeyUsage()[4]).as("keyAgreement").isTrue();
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root.caCertificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(leaf.chain().subList(0, 2)), params);
    }

    @Test
    void noDefaultExtensions_leavesOnlyWhatWasGiven() throws Exception {
        TestCa ca = TestCa.create("CA");
        TestCa.Issued bare = ca.leaf("x").noDefaultExtensions().issue();
        assertThat(bare.certificate().getCriticalExtensionOIDs()).isNull();
        assertThat(bare.certificate().getNonCriticalExtensionOIDs()).isNull();
        assertThat(bare.certificate().getBasicConstraints()).isEqualTo(-1);
    }
}
