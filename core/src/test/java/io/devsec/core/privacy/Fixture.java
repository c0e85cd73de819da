package io.devsec.core.privacy;

import io.devsec.storage.AtomicFiles;
import io.devsec.storage.Keystore;
import io.devsec.storage.MasterKeySource;
import java.nio.file.Path;
import java.util.List;

/** Keystores, purposes and a hand-moved clock for the privacy tests. */
final class Fixture {
    private Fixture() {}

    static Keystore openKeystore(Path data) throws Exception {
        AtomicFiles.createOwnerOnlyDirectories(data);
        return Keystore.open(data.resolve("device.keystore"), MasterKeySource.deviceSecretFile(data.resolve("device.secret")));
    }

    static final Purpose ENERGY = Purpose.builder("energy-history")
            .description("Hourly energy use of the appliances you plug in")
            .processor("Acme Cloud Ltd (EU)")
            .reason("To show your consumption history in the app")
            .build();

    static final Purpose VOICE = Purpose.builder("voice")
            .description("Voice commands")
            .processor("Acme Cloud Ltd (EU)").processor("SpeechCo Inc.")
            .reason("To understand spoken commands")
            .build();

    static final List<Purpose> PURPOSES = List.of(ENERGY, VOICE);
}
