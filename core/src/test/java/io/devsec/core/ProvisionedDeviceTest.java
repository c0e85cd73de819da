package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ProvisionedDeviceTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));
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
            assertThat(device.status().findings()).anySatisfy(f -> assertThat(f.text())
                    .startsWith("Initial password from the label (provisioning record) still in use"));
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
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> builder(record).build()).isInstanceOfSatisfying(InvalidProvisioningRecordException.class,
                e -> assertThat(e.problem()).isEqualTo(InvalidProvisioningRecordException.Problem.UNKNOWN_FIELD));
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

    // ---- 9.4: a record is held to the label standard; a weak or exposed one is refused, the device starts alone

    /** Starts a device from {@code record} and checks it kept nothing of it and generated its own password. */
    private void assertRefusedAndStartedAlone(Path record, char[] recordPassword, InvalidProvisioningRecordException.Problem problem)
            throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        try (DeviceSecurity device = builder(record).securityEvents(events).build()) {
            assertThat(device.provisioningRefusal()).hasValueSatisfying(e -> {
                assertThat(e.problem()).isEqualTo(problem);
                assertThat(e.getMessage()).doesNotContain(new String(recordPassword));
            });
            assertThat(device.status().initialPasswordInUse()).isTrue();
            assertThat(device.serialNumber()).as("no part of a refused record is kept").isEmpty();
            char[] own = device.takeInitialPassword().orElseThrow();
            assertThat(io.devsec.core.provisioning.LabelPasswords.isWellFormed(own)).isTrue();
            assertThat(own).isNotEqualTo(recordPassword);
            assertThatThrownBy(() -> device.login(recordPassword)).isInstanceOf(WrongPasswordException.class);
            device.login(own);
            assertThat(events.recentEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(SecurityEvent.Type.INVALID_INPUT);
                assertThat(e.attributes()).containsEntry("boundary", "provisioning").containsEntry("reason", problem.name());
            });
        }
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(device.serialNumber()).as("a later start does not adopt the refused record").isEmpty();
            assertThat(device.provisioningRefusal()).isEmpty();
            assertThatThrownBy(() -> device.login(recordPassword)).isInstanceOf(WrongPasswordException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345678", "password1", "admin1234", "aaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaacdefh",
            "Acme Plug SN-000042"})
    void firstStart_recordWithWeakPassword_isRefusedAndDeviceGeneratesItsOwn(String weak) throws Exception {
        Path record = dir.resolve("provisioning.json");
        ProvisioningRecord.of("SN-000042", weak.toCharArray()).write(record);
        assertRefusedAndStartedAlone(record, weak.toCharArray(), InvalidProvisioningRecordException.Problem.WEAK_PASSWORD);
    }

    @Test
    void firstStart_recordWithStrongPassphrase_meetsDevicePolicyAndIsUsed() throws Exception {
        Path record = dir.resolve("provisioning.json");
        char[] passphrase = "violet kettle under seven bridges".toCharArray();
        ProvisioningRecord.of("SN-5", passphrase).write(record);
        try (DeviceSecurity device = builder(record).build()) {
            assertThat(device.serialNumber()).contains("SN-5");
            assertThat(device.provisioningRefusal()).isEmpty();
            device.login(passphrase);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw----r--", "rw-rw----", "rw-----w-", "rw--w----", "rw-r-----"})
    void firstStart_recordReadableOrWritableByOthers_isRefusedAndDeviceGeneratesItsOwn(String mode) throws Exception {
        Path record = dir.resolve("provisioning.json");
        ProvisioningRecord.of("SN-000042", LABEL).write(record);
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString(mode));
        assertRefusedAndStartedAlone(record, LABEL, InvalidProvisioningRecordException.Problem.INSECURE_FILE);
    }

    @Test
    void firstStart_recordOwnedByAnotherUser_isRefusedAndDeviceGeneratesItsOwn() throws Exception {
        Path record = dir.resolve("provisioning.json");
        ProvisioningRecord.of("SN-000042", LABEL).write(record);
        UserPrincipal other;
        try {
            other = record.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(record, other);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            Assumptions.abort("changing a file's owner needs root and a user 'nobody': " + e);
            return;
        }
        assertRefusedAndStartedAlone(record, LABEL, InvalidProvisioningRecordException.Problem.INSECURE_FILE);
    }

    @Test
    void firstStart_recordIsSymlink_isRefusedAndDeviceGeneratesItsOwn() throws Exception {
        Path target = dir.resolve("elsewhere.json");
        ProvisioningRecord.of("SN-000042", LABEL).write(target);
        Path record = Files.createSymbolicLink(dir.resolve("provisioning.json"), target);
        assertRefusedAndStartedAlone(record, LABEL, InvalidProvisioningRecordException.Problem.INSECURE_FILE);
    }
}
