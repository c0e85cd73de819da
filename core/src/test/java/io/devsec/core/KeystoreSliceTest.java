package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part's keystore slice reaches only its own entries; the names on disk stay as they were. */
class KeystoreSliceTest {

    @TempDir
    Path dir;

    @Test
    void slice_entryOfAnotherPart_isRefusedInCallsAndBatches() throws Exception {
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir).productName("Acme Sensor").build()) {
            device.takeInitialPassword();
        }
        try (Keystore ks = DeviceKeystore.open(dir)) {
            KeystoreSlice auth = new KeystoreSlice(ks, PasswordPart.PREFIX);
            assertThat(auth.contains(PasswordPart.PASSWORD)).as("the on-disk name is unchanged").isTrue();
            assertThat(auth.names()).containsExactlyInAnyOrder(PasswordPart.PASSWORD, PasswordPart.PASSWORD_ORIGIN,
                    PasswordPart.LOGIN_STATE);
            assertThatThrownBy(() -> auth.privateKey(IdentityPart.KEY)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(IdentityPart.KEY);
            assertThatThrownBy(() -> auth.delete(IdentityPart.CSR)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> auth.putSecret("authx/other", new byte[] {1}))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> auth.batch(ed -> ed.putSecret(PasswordPart.LOGIN_STATE, new byte[] {1})
                    .delete(IdentityPart.KEY))).isInstanceOf(IllegalArgumentException.class);
            assertThat(ks.contains(IdentityPart.KEY)).as("the refused batch wrote nothing").isTrue();
        }
    }

    @Test
    void slice_lentEntry_isReachableButNotItsSiblings() throws Exception {
        try (DeviceSecurity device = DeviceSecurity.builder().dataFolder(dir).productName("Acme Sensor").build()) {
            device.takeInitialPassword();
        }
        try (Keystore ks = DeviceKeystore.open(dir)) {
            KeystoreSlice privacy = new KeystoreSlice(ks, PrivacyPart.PREFIX, ConnectivityPart.OUTBOX_KEY);
            privacy.putSecret(ConnectivityPart.OUTBOX_KEY, new byte[32]);
            assertThat(privacy.contains(ConnectivityPart.OUTBOX_KEY)).isTrue();
            assertThatThrownBy(() -> privacy.contains(ConnectivityPart.OUTBOX_KEY + "-2"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> privacy.secret(FirmwarePart.UPDATE_ROOT)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
