package io.devsec.core.surface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.provisioning.ProvisioningRecord;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EN 303 645 5.6-2: before authentication nothing discloses versions, serial numbers or keys. */
class PublicDeviceInfoTest {

    @TempDir
    Path dir;

    @Test
    void provisionedDevice_publicView_holdsNoSerialVersionOrKeyMaterial() throws Exception {
        Path record = dir.resolve("record.json");
        ProvisioningRecord.of("SN-000042", "tmkp7fr3wc9ahxy4ud".toCharArray()).write(record);
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Plug")
                .provisioningRecord(record).build()) {
            PublicDeviceInfo info = device.publicInfo();
            assertThat(device.serialNumber()).contains("SN-000042");
            X509Certificate leaf = device.certificateChain().get(0);
            byte[] publicKey = device.identityPublicKey().getEncoded();
            for (String out : new String[] {info.text(), info.json(), info.toString()}) {
                assertThat(out).contains("Acme Plug", device.deviceId());
                assertThat(out).doesNotContainIgnoringCase("SN-000042").doesNotContain("000042");
                assertThat(out).doesNotContainPattern("\\d+\\.\\d+");
                assertThat(out).doesNotContain(System.getProperty("java.version"))
                        .doesNotContainIgnoringCase("version").doesNotContainIgnoringCase("serial");
                assertThat(out).doesNotContain(Base64.getEncoder().encodeToString(publicKey).substring(30, 60));
                assertThat(out).doesNotContain(Base64.getEncoder().encodeToString(leaf.getEncoded()).substring(30, 60));
                assertThat(out.toLowerCase()).doesNotContain(HexFormat.of().formatHex(publicKey).substring(60, 100));
                assertThat(out).doesNotContain(device.certificateSigningRequestPem().lines().skip(1).findFirst().orElseThrow());
                assertThat(out).doesNotContain("BEGIN");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme Plug 2.1", "Acme Plug v3", "Acme Plug firmware", "Cam version A", "Hub build 7", "Thing 1_2"})
    void productNameWithVersion_refused(String name) {
        assertThatThrownBy(() -> PublicDeviceInfo.of(name, "ds-abcdefghijklmnopqrstuvwxyz234567"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    }

    @Test
    void invalidDeviceId_refused() {
        assertThatThrownBy(() -> PublicDeviceInfo.of("Acme Plug", "SN-000042")).hasMessageContaining("deviceId");
        assertThat(PublicDeviceInfo.of("Acme Plug 3000", "ds-abcdefghijklmnopqrstuvwxyz234567").json())
                .isEqualTo("{\"product\":\"Acme Plug 3000\",\"deviceId\":\"ds-abcdefghijklmnopqrstuvwxyz234567\",\"authenticationRequired\":true}");
    }
}
