package io.devsec.core;

import io.devsec.storage.Keystore;
import io.devsec.storage.MasterKeySource;
import java.nio.file.Path;

/**
 * Opens the keystore of a closed device through the storage module's public API (the default device secret file
 * beside it), as a forensic tool or an attacker with the flash would: the facade has no keystore seam.
 */
final class DeviceKeystore {

    private DeviceKeystore() {}

    static Keystore open(Path dataFolder) throws Exception {
        return Keystore.open(dataFolder.resolve(DeviceSecurity.KEYSTORE_FILE),
                MasterKeySource.deviceSecretFile(dataFolder.resolve(DeviceSecurity.DEVICE_SECRET_FILE)));
    }

    /** Applies {@code changes} to the closed device's keystore in one batch. */
    static void edit(Path dataFolder, Keystore.Batch changes) throws Exception {
        try (Keystore ks = open(dataFolder)) {
            ks.batch(changes);
        }
    }
}
