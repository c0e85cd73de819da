package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.CounterRollbackException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The update module's trusted-root store and rollback counter, kept in the device keystore. */
class KeystoreUpdateStoresTest {
    @TempDir
    Path dir;

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir).productName("Acme Sensor").build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void trustedRootStore_savedRoot_survivesReopenAndIsEncryptedAtRest() throws Exception {
        try (DeviceSecurity device = device()) {
            assertThat(device.trustedRootStore().load()).isEmpty();
            device.trustedRootStore().save(utf8("{\"root\":\"version-1-marker\"}"));
            device.trustedRootStore().save(utf8("{\"root\":\"version-2-marker\"}"));
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.trustedRootStore().load()).hasValueSatisfying(
                    b -> assertThat(new String(b, StandardCharsets.UTF_8)).contains("version-2-marker"));
        }
        String raw = new String(Files.readAllBytes(dir.resolve(DeviceSecurity.KEYSTORE_FILE)), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("version-2-marker");
    }

    @Test
    void rollbackCounter_advances_survivesReopenAndNeverGoesDown() throws Exception {
        try (DeviceSecurity device = device()) {
            assertThat(device.rollbackCounter().current()).isZero();
            device.rollbackCounter().advance(3);
            device.rollbackCounter().advance(2); // lower: left unchanged, as the interface requires
            assertThat(device.rollbackCounter().current()).isEqualTo(3);
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.rollbackCounter().current()).isEqualTo(3);
            device.rollbackCounter().advance(7);
            assertThat(device.rollbackCounter().current()).isEqualTo(7);
        }
        // The keystore itself refuses to lower or delete the counter.
        try (io.devsec.storage.Keystore ks = DeviceKeystore.open(dir)) {
            assertThatThrownBy(() -> ks.advanceCounter(FirmwarePart.UPDATE_FLOOR, 1))
                    .isInstanceOf(CounterRollbackException.class);
            assertThatThrownBy(() -> ks.delete(FirmwarePart.UPDATE_FLOOR))
                    .isInstanceOf(CounterRollbackException.class);
        }
    }

    @Test
    void factoryReset_keepsTrustedRootAndRollbackFloor() throws Exception {
        try (DeviceSecurity device = device()) {
            device.trustedRootStore().save(utf8("root-v5"));
            device.rollbackCounter().advance(12);
            char[] password = device.factoryReset(IdentityRotation.ROTATE).password();
            java.util.Arrays.fill(password, '\0');
            assertThat(device.trustedRootStore().load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("root-v5")));
            assertThat(device.rollbackCounter().current()).isEqualTo(12);
        }
    }

    @Test
    void rollbackCounter_negativeVersion_throwsNamingTheArgument() throws Exception {
        try (DeviceSecurity device = device()) {
            assertThatThrownBy(() -> device.rollbackCounter().advance(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
        }
    }
}
