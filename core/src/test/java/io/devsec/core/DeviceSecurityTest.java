package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.internal.Identity;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.storage.MasterKeySource;
import io.devsec.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceSecurityTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Thermostat").clock(clock);
    }

    @Test
    void build_firstStart_createsIdentityCsrSelfSignedCertAndPassword() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.deviceId()).startsWith("ds-").hasSize(3 + 32).matches("ds-[a-z2-7]{32}");
            assertThat(device.deviceId()).isEqualTo(Identity.deviceId(device.identityPublicKey()));
            X509Certificate cert = device.certificateChain().get(0);
            assertThat(device.certificateChain()).hasSize(1);
            assertThat(cert.getPublicKey().getEncoded()).isEqualTo(device.identityPublicKey().getEncoded());
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + device.deviceId());
            cert.verify(cert.getPublicKey());
            cert.checkValidity(java.util.Date.from(clock.instant()));
            assertThat(device.identityPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(device.identityPublicKey().toString()).contains("secp256r1");

            String pem = device.certificateSigningRequestPem();
            assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(device.certificateSigningRequestDer());
            assertThat(csr.getSubject().toString()).isEqualTo("CN=" + device.deviceId());
            assertThat(csr.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(device.identityPublicKey()))).isTrue();

            char[] password = device.takeInitialPassword().orElseThrow();
            assertThat(LabelPasswords.isWellFormed(password)).isTrue();
            assertThat(device.takeInitialPassword()).isEmpty();
            device.login(password);

            DeviceStatus status = device.status();
            assertThat(status.certificateSelfSigned()).isTrue();
            assertThat(status.certificateNotAfter()).isEqualTo(Identity.NO_EXPIRY);
            assertThat(status.masterKeyKind()).isEqualTo(MasterKeySource.Kind.DEVICE_SECRET_FILE);
            assertThat(status.initialPasswordInUse()).isTrue();
            assertThat(status.serialNumber()).isEmpty();
            assertThat(status.toText()).contains(device.deviceId()).doesNotContain(new String(password));
            assertThat(status.toString()).doesNotContain(new String(password));
        }
        assertThat(dir.resolve("data").resolve(DeviceSecurity.DEVICE_SECRET_FILE)).exists();
        assertThat(dir.resolve("data").resolve(DeviceSecurity.KEYSTORE_FILE)).exists();
    }

    @Test
    void build_secondStart_loadsEverythingAndRegeneratesNothing() throws Exception {
        String id;
        String csr;
        byte[] cert;
        char[] password;
        try (DeviceSecurity device = builder().build()) {
            id = device.deviceId();
            csr = device.certificateSigningRequestPem();
            cert = device.certificateChain().get(0).getEncoded();
            password = device.takeInitialPassword().orElseThrow();
        }
        byte[] keystoreBefore = Files.readAllBytes(dir.resolve("data").resolve(DeviceSecurity.KEYSTORE_FILE));
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.deviceId()).isEqualTo(id);
            assertThat(device.certificateSigningRequestPem()).isEqualTo(csr);
            assertThat(device.certificateChain().get(0).getEncoded()).isEqualTo(cert);
            assertThat(device.takeInitialPassword()).isEmpty();
            assertThat(Files.readAllBytes(dir.resolve("data").resolve(DeviceSecurity.KEYSTORE_FILE)))
                    .as("a plain restart writes nothing").isEqualTo(keystoreBefore);
            device.login(password);
        }
    }

    @Test
    void build_twoDevices_getDifferentIdsAndPasswords() throws Exception {
        try (DeviceSecurity a = builder().build();
                DeviceSecurity b = DeviceSecurity.builder().dataFolder(dir.resolve("other")).productName("Acme Thermostat")
                        .clock(clock).build()) {
            assertThat(a.deviceId()).isNotEqualTo(b.deviceId());
            assertThat(a.takeInitialPassword().orElseThrow()).isNotEqualTo(b.takeInitialPassword().orElseThrow());
            assertThatThrownBy(() -> a.login(b.certificateSigningRequestPem().toCharArray()))
                    .isInstanceOf(WrongPasswordException.class);
        }
    }

    @Test
    void builder_missingOrBadFields_namesTheField() {
        assertThatThrownBy(() -> DeviceSecurity.builder().productName("x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataFolder");
        assertThatThrownBy(() -> DeviceSecurity.builder().dataFolder(dir).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("productName");
        assertThatThrownBy(() -> DeviceSecurity.builder().dataFolder(dir).productName(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("productName");
        assertThatThrownBy(() -> DeviceSecurity.builder().dataFolder(dir).productName("a\nb").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("productName");
        assertThatThrownBy(() -> DeviceSecurity.builder().dataFolder(dir).productName("p").clock(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> DeviceSecurity.builder().dataFolder(dir).productName("p").passwordPolicy(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("passwordPolicy");
    }

    @Test
    void build_passphraseMasterKey_isReportedInStatus() throws Exception {
        try (DeviceSecurity device = builder().masterKeySource(MasterKeySource.passphrase("a long test passphrase".toCharArray()))
                .build()) {
            assertThat(device.status().masterKeyKind()).isEqualTo(MasterKeySource.Kind.PASSPHRASE);
        }
    }

    @Test
    void close_releasesKeystoreAndRefusesFurtherUse() throws Exception {
        DeviceSecurity device = builder().build();
        char[] password = device.takeInitialPassword().orElseThrow();
        device.close();
        device.close();
        assertThatThrownBy(device::deviceId).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> device.login(password)).isInstanceOf(IllegalStateException.class);
        try (DeviceSecurity again = builder().build()) {
            again.login(password);
        }
    }

    @Test
    void close_withUntakenInitialPassword_wipesIt() throws Exception {
        DeviceSecurity device = builder().build();
        device.close();
        assertThatThrownBy(device::takeInitialPassword).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void changePassword_goodNewPassword_replacesOldAndClearsInitialFlag() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            char[] initial = device.takeInitialPassword().orElseThrow();
            char[] chosen = "violet kettle under seven bridges".toCharArray();
            device.changePassword(initial, chosen);
            assertThat(device.status().initialPasswordInUse()).isFalse();
            assertThatThrownBy(() -> device.login(initial)).isInstanceOf(WrongPasswordException.class);
            device.login(chosen);
            assertThat(device.status().consecutiveFailedLogins()).isZero();
        }
    }

    @Test
    void changePassword_wrongCurrent_throwsWrongPasswordAndCountsFailure() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            assertThatThrownBy(() -> device.changePassword("not it at all, sorry".toCharArray(),
                    "violet kettle under seven bridges".toCharArray())).isInstanceOf(WrongPasswordException.class);
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(1);
            assertThat(device.status().initialPasswordInUse()).isTrue();
        }
    }

    @Test
    void changePassword_weakOrContextPassword_throwsWithReasonAndChangesNothing() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            char[] initial = device.takeInitialPassword().orElseThrow();
            assertThatThrownBy(() -> device.changePassword(initial, "short".toCharArray()))
                    .isInstanceOfSatisfying(PasswordRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(PasswordRejectedException.Reason.TOO_SHORT));
            char[] withId = ("my " + device.deviceId() + " device").toCharArray();
            assertThatThrownBy(() -> device.changePassword(initial, withId))
                    .isInstanceOfSatisfying(PasswordRejectedException.class, e -> assertThat(e.reason())
                            .isEqualTo(PasswordRejectedException.Reason.CONTAINS_CONTEXT_WORD));
            char[] withProduct = "my acme thermostat at home on the wall".toCharArray();
            assertThatThrownBy(() -> device.checkNewPassword(withProduct))
                    .isInstanceOfSatisfying(PasswordRejectedException.class, e -> assertThat(e.reason())
                            .isEqualTo(PasswordRejectedException.Reason.CONTAINS_CONTEXT_WORD));
            assertThat(device.status().initialPasswordInUse()).isTrue();
            device.login(initial);
        }
    }

    @Test
    void keyManager_offersIdentityKeyAndChain() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            javax.net.ssl.X509KeyManager km = device.tlsIdentity().keyManager();
            String[] aliases = km.getClientAliases("EC", null);
            assertThat(aliases).hasSize(1);
            assertThat(km.getCertificateChain(aliases[0])[0].getEncoded())
                    .isEqualTo(device.certificateChain().get(0).getEncoded());
            assertThat(km.getPrivateKey(aliases[0]).getAlgorithm()).isEqualTo("EC");
        }
    }

}
