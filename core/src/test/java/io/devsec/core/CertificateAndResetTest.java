package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.internal.Identity;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.testkit.ManualClock;
import io.devsec.testkit.TestCa;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAndResetTest {

    @TempDir
    Path dir;

    final Instant start = Instant.parse("2026-01-15T10:00:00Z");
    final ManualClock clock = new ManualClock(start);

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Camera").clock(clock);
    }

    @Test
    void installCertificateChain_issuedForIdentityKey_isStoredAndSurvivesRestart() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        X509Certificate leaf;
        try (DeviceSecurity device = builder().build()) {
            leaf = ca.issue(device.deviceId(), device.identityPublicKey(), start.minusSeconds(60), start.plus(Duration.ofDays(90)));
            device.installCertificateChain(List.of(leaf, ca.caCertificate()));
            DeviceStatus status = device.status();
            assertThat(status.certificateSelfSigned()).isFalse();
            assertThat(status.certificateNotAfter()).isEqualTo(leaf.getNotAfter().toInstant());
            assertThat(status.certificateIssuer()).isEqualTo("CN=Acme Device CA");
            assertThat(status.toText()).contains("issued by CN=Acme Device CA");
        }
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.certificateChain()).containsExactly(leaf, ca.caCertificate());
            assertThat(device.tlsIdentity().keyManager().getCertificateChain("device")[0]).isEqualTo(leaf);
        }
    }

    @Test
    void installCertificateChain_otherPublicKey_throwsMismatch() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate foreign = ca.issue(device.deviceId(), g.generateKeyPair().getPublic(), start.minusSeconds(60),
                    start.plus(Duration.ofDays(90)));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(foreign, ca.caCertificate())))
                    .isInstanceOfSatisfying(CertificateMismatchException.class,
                            e -> assertThat(e.deviceId()).isEqualTo(device.deviceId()));
            assertThat(device.status().certificateSelfSigned()).isTrue();
        }
    }

    @Test
    void installCertificateChain_expired_throwsValidityWithDates() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate old = ca.issue(device.deviceId(), device.identityPublicKey(), start.minus(Duration.ofDays(30)),
                    start.minus(Duration.ofDays(1)));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(old, ca.caCertificate())))
                    .isInstanceOfSatisfying(CertificateValidityException.class, e -> {
                        assertThat(e.expired()).isTrue();
                        assertThat(e.index()).isZero();
                        assertThat(e.now()).isEqualTo(start);
                    });
        }
    }

    @Test
    void installCertificateChain_notYetValid_throwsValidity() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate future = ca.issue(device.deviceId(), device.identityPublicKey(), start.plus(Duration.ofDays(1)),
                    start.plus(Duration.ofDays(90)));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(future)))
                    .isInstanceOfSatisfying(CertificateValidityException.class, e -> assertThat(e.expired()).isFalse());
            clock.advance(Duration.ofDays(2));
            device.installCertificateChain(List.of(future));
            assertThat(device.status().certificateSelfSigned()).isFalse();
        }
    }

    @Test
    void installCertificateChain_leafNotSignedByNext_throwsChainException() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        TestCa other = TestCa.create("Acme Device CA", start);
        try (DeviceSecurity device = builder().build()) {
            X509Certificate leaf = ca.issue(device.deviceId(), device.identityPublicKey(), start.minusSeconds(60),
                    start.plus(Duration.ofDays(90)));
            assertThatThrownBy(() -> device.installCertificateChain(List.of(leaf, other.caCertificate())))
                    .isInstanceOf(CertificateChainException.class);
        }
    }

    @Test
    void factoryReset_keep_newUniquePasswordSameIdentityUserDataWiped() throws Exception {
        String id;
        String csr;
        char[] initial;
        try (DeviceSecurity device = builder().build()) {
            id = device.deviceId();
            csr = device.certificateSigningRequestPem();
            initial = device.takeInitialPassword().orElseThrow();
            device.changePassword(initial, "violet kettle under seven bridges".toCharArray());
        }
        DeviceKeystore.edit(dir.resolve("data"), ed -> ed.putSecret("app/wifi-psk", new byte[] {1, 2, 3})
                .putSecret("privacy/consents", new byte[] {4}).advanceCounter("update/rollback", 7));
        try (DeviceSecurity device = builder().build()) {
            char[] first = device.factoryReset(IdentityRotation.KEEP).password();
            assertThat(LabelPasswords.isWellFormed(first)).isTrue();
            assertThat(first).isNotEqualTo(initial);
            assertThat(device.deviceId()).isEqualTo(id);
            assertThat(device.certificateSigningRequestPem()).isEqualTo(csr);
            assertThat(device.status().initialPasswordInUse()).isTrue();
            assertThatThrownBy(() -> device.login("violet kettle under seven bridges".toCharArray()))
                    .isInstanceOf(WrongPasswordException.class);
            device.login(first);

            char[] second = device.factoryReset(IdentityRotation.KEEP).password();
            assertThat(second).isNotEqualTo(first);
            assertThat(device.takeInitialPassword()).isEmpty();
            device.login(second);
        }
        try (io.devsec.storage.Keystore ks = DeviceKeystore.open(dir.resolve("data"))) {
            assertThat(ks.contains("app/wifi-psk")).isFalse();
            assertThat(ks.contains("privacy/consents")).isFalse();
            assertThat(ks.counter("update/rollback")).as("counters survive").isEqualTo(7);
        }
    }

    @Test
    void factoryReset_rotate_newKeyIdCsrAndSelfSignedCertSurvivingRestart() throws Exception {
        TestCa ca = TestCa.create("Acme Device CA", start);
        String newId;
        char[] password;
        try (DeviceSecurity device = builder().build()) {
            String oldId = device.deviceId();
            String oldCsr = device.certificateSigningRequestPem();
            device.installCertificateChain(List.of(ca.issue(oldId, device.identityPublicKey(), start.minusSeconds(60),
                    start.plus(Duration.ofDays(90)))));
            password = device.factoryReset(IdentityRotation.ROTATE).password();
            newId = device.deviceId();
            assertThat(newId).isNotEqualTo(oldId).isEqualTo(Identity.deviceId(device.identityPublicKey()));
            assertThat(device.certificateSigningRequestPem()).isNotEqualTo(oldCsr);
            assertThat(device.status().certificateSelfSigned()).isTrue();
            assertThat(device.certificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + newId);
        }
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.deviceId()).isEqualTo(newId);
            device.login(password);
        }
    }
}
