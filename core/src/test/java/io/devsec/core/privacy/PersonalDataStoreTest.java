package io.devsec.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalDataStoreTest {

    @TempDir
    Path dir;

    static final byte[] SECRET = "Alice Example, 12 Garden Road".getBytes(StandardCharsets.UTF_8);

    @Test
    void put_get_roundTrip_fileIsSealedAndOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            store.put("owner-address", SECRET);
            assertThat(store.get("owner-address")).hasValueSatisfying(v -> assertThat(v).isEqualTo(SECRET));
            assertThat(store.names()).containsExactly("owner-address");
            Path file = data.resolve("personal/owner-address.pd");
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("Alice");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(ks.names()).contains(PersonalDataStore.KEY_ENTRY);
        }
        try (Keystore ks = Fixture.openKeystore(data)) {
            assertThat(PersonalDataStore.open(data, ks).get("owner-address")).hasValueSatisfying(v -> assertThat(v).isEqualTo(SECRET));
        }
    }

    @Test
    void get_flippedBit_throwsCorruptPersonalData() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            store.put("a", SECRET);
            Path file = data.resolve("personal/a.pd");
            byte[] b = Files.readAllBytes(file);
            b[b.length - 5] ^= 1;
            Files.write(file, b);
            assertThatThrownBy(() -> store.get("a")).isInstanceOf(CorruptPersonalDataException.class)
                    .hasMessageNotContaining("Alice");
        }
    }

    @Test
    void get_fileMovedToAnotherName_throwsCorruptPersonalData() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            store.put("a", SECRET);
            store.put("b", new byte[] {1});
            Files.copy(data.resolve("personal/a.pd"), data.resolve("personal/b.pd"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThatThrownBy(() -> store.get("b")).isInstanceOf(CorruptPersonalDataException.class);
        }
    }

    @Test
    void open_keyGoneButFilesLeft_deletesUnreadableFiles() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore.open(data, ks).put("a", SECRET);
            ks.delete(PersonalDataStore.KEY_ENTRY); // what a factory reset or an interrupted wipe leaves
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            assertThat(store.names()).isEmpty();
            assertThat(data.resolve("personal")).doesNotExist();
        }
    }

    @Test
    void open_keystoreFromAnotherFolderWithoutKey_leavesFilesAlone() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore.open(data, ks).put("a", SECRET);
        }
        try (Keystore other = Fixture.openKeystore(dir.resolve("elsewhere"))) {
            PersonalDataStore store = PersonalDataStore.open(data, other);
            assertThat(store.names()).containsExactly("a");
            assertThat(store.get("a")).isEmpty();
        }
        try (Keystore ks = Fixture.openKeystore(data)) {
            assertThat(PersonalDataStore.open(data, ks).get("a")).hasValueSatisfying(v -> assertThat(v).isEqualTo(SECRET));
        }
    }

    @Test
    void invalidNames_andOversizedValues_throwIllegalArgument() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            assertThatThrownBy(() -> store.put("../escape", SECRET)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put(".hidden", SECRET)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put("big", new byte[PersonalDataStore.MAX_VALUE_BYTES + 1]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
