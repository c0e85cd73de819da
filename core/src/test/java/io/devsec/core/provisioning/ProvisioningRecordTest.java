package io.devsec.core.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.provisioning.InvalidProvisioningRecordException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvisioningRecordTest {

    @TempDir
    Path dir;

    static final String SECRET = "tmkp7fr3wc9ahxy4ud";

    @Test
    void writeThenRead_roundTripsSerialAndPassword_fileIsOwnerOnly() throws Exception {
        ProvisioningRecord record = ProvisioningRecord.of("SN-0001", SECRET.toCharArray());
        Path file = dir.resolve("record.json");
        record.write(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        ProvisioningRecord read = ProvisioningRecord.read(file);
        assertThat(read.serialNumber()).isEqualTo("SN-0001");
        assertThat(read.initialPassword()).isEqualTo(SECRET.toCharArray());
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":1,\"serialNumber\":\"SN-0001\",\"initialPassword\":\"" + SECRET + "\"}");
    }

    @Test
    void toString_neverShowsPassword_andDestroyWipes() {
        ProvisioningRecord record = ProvisioningRecord.of("SN-0001", SECRET.toCharArray());
        assertThat(record.toString()).contains("SN-0001").doesNotContain(SECRET);
        record.destroy();
        assertThat(record.isDestroyed()).isTrue();
        assertThatThrownBy(record::initialPassword).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void parse_unicodeAndEscapedPassword_roundTrips() throws Exception {
        char[] pw = "Grüße \"aus\" \\ München 🙂".toCharArray();
        byte[] json = ProvisioningRecord.of("SN-2", pw).toJson();
        assertThat(ProvisioningRecord.parse(json).initialPassword()).isEqualTo(pw);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "MALFORMED_JSON|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"",
        "MALFORMED_JSON|[1,2]",
        "MALFORMED_JSON|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":tmkp7fr3wc9ahxy4ud}",
        "MALFORMED_JSON|",
        "MALFORMED_JSON|123456789012345678901234567890",
        "MALFORMED_JSON|{\"version\":123456789012345678901234567890,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "UNKNOWN_FIELD|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\",\"admin\":true}",
        "DUPLICATE_FIELD|{\"version\":1,\"serialNumber\":\"SN\",\"serialNumber\":\"SN2\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "DUPLICATE_FIELD|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "TRAILING_DATA|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"} {}",
        "TRAILING_DATA|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}x",
        "MISSING_FIELD|{\"version\":1,\"serialNumber\":\"SN\"}",
        "MISSING_FIELD|{\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "INVALID_VALUE|{\"version\":1,\"serialNumber\":\"SN 1\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "INVALID_VALUE|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"short\"}",
        "INVALID_VALUE|{\"version\":1,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\\u0000\"}",
        "INVALID_VALUE|{\"version\":1,\"serialNumber\":{\"a\":1},\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "INVALID_VALUE|{\"version\":\"1\",\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
        "UNSUPPORTED_VERSION|{\"version\":2,\"serialNumber\":\"SN\",\"initialPassword\":\"tmkp7fr3wc9ahxy4ud\"}",
    })
    void parse_badRecord_throwsTypedProblemWithoutPassword(Problem problem, String json) {
        byte[] bytes = (json == null ? "" : json).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProvisioningRecord.parse(bytes))
                .isInstanceOfSatisfying(InvalidProvisioningRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void read_fileOverSizeCap_throwsTooLarge() throws Exception {
        Path file = dir.resolve("big.json");
        byte[] big = new byte[ProvisioningRecord.MAX_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        Files.write(file, big);
        assertThatThrownBy(() -> ProvisioningRecord.read(file)).isInstanceOfSatisfying(
                InvalidProvisioningRecordException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
        assertThatThrownBy(() -> ProvisioningRecord.parse(big)).isInstanceOfSatisfying(
                InvalidProvisioningRecordException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
    }

    @Test
    void of_badArguments_namesField() {
        assertThatThrownBy(() -> ProvisioningRecord.of("", SECRET.toCharArray())).hasMessageContaining("serialNumber");
        assertThatThrownBy(() -> ProvisioningRecord.of("SN/1", SECRET.toCharArray())).hasMessageContaining("serialNumber");
        assertThatThrownBy(() -> ProvisioningRecord.of("SN", "1234567".toCharArray())).hasMessageContaining("initialPassword");
    }

    @Test
    void factoryBatch_100kPasswordsAndRecords_uniqueAndFast() throws Exception {
        SecureRandom random = new SecureRandom();
        int n = 100_000;
        Set<String> seen = new HashSet<>(2 * n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            char[] pw = LabelPasswords.generate(random);
            ProvisioningRecord r = ProvisioningRecord.of("SN-" + i, pw);
            byte[] json = r.toJson();
            assertThat(json.length).isLessThan(200);
            seen.add(new String(pw));
            r.destroy();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("100k label passwords + records: " + ms + " ms");
        assertThat(seen).hasSize(n);
        assertThat(ms).as("no Argon2 at the factory").isLessThan(15_000);
    }
}
