package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.ProvisioningRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionedDeviceTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
    static final char[] LABEL = "tmkp7fr3wc9ahxy4ud".toCharArray();

    DeviceSecurity.Builder builder(Path record) {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Plug").clock(clock)
                .provisioningRecord(record);
    }

    @Test
    void firstStart_withRecord_usesLabelPasswordStoresSerialAndDeletesRecord() throws Exception {
        Path record = dir.resolve("provisioning.json");
        ProvisioningRecord.of("SN-000042", LABEL).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(record).doesNotExist();
            assertThat(device.takeInitialPassword()).as("the password is on the label").isEmpty();
            assertThat(device.serialNumber()).contains("SN-000042");
            assertThat(device.status().serialNumber()).contains("SN-000042");
            assertThat(device.status().initialPasswordInUse()).isTrue();
            assertThat(device.certificateChain().get(0).getSubjectX500Principal().toString())
                    .contains("SERIALNUMBER=SN-000042").contains("CN=" + device.deviceId());
            device.login(LABEL);
        }
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(device.serialNumber()).contains("SN-000042");
            device.login(LABEL);
        }
    }

    @Test
    void firstStart_recordConfiguredButAbsent_failsAndCreatesNoIdentity() throws Exception {
        Path record = dir.resolve("missing.json");
        assertThatThrownBy(() -> builder(record).build()).isInstanceOf(NoSuchFileException.class);
        ProvisioningRecord.of("SN-7", LABEL).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(device.serialNumber()).contains("SN-7");
            device.login(LABEL);
        }
    }

    @Test
    void firstStart_invalidRecord_failsWithTypedErrorAndKeepsFile() throws Exception {
        Path record = dir.resolve("provisioning.json");
        Files.write(record, "{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\",\"x\":1}"
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> builder(record).build()).isInstanceOf(InvalidProvisioningRecordException.class);
        assertThat(record).exists();
    }

    @Test
    void laterStart_recordLeftByCrashAfterCommit_isDeleted() throws Exception {
        Path record = dir.resolve("provisioning.json");
        ProvisioningRecord.of("SN-9", LABEL).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(record).doesNotExist();
        }
        // as if the process died between the keystore commit and the deletion
        ProvisioningRecord.of("SN-9", LABEL).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(record).doesNotExist();
        }
        // a record for another device is left alone
        ProvisioningRecord.of("SN-10", "hjkmnprtuvwx346789".toCharArray()).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(record).exists();
            assertThatThrownBy(() -> device.login("hjkmnprtuvwx346789".toCharArray()))
                    .isInstanceOf(WrongPasswordException.class);
        }
    }
}
