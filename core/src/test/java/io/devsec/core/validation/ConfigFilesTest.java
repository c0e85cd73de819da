package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.devsec.core.validation.ValidationException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    static final Schema CONFIG = Schema.of(Rules.object()
            .required("broker", Rules.pattern("ssl://[a-z0-9.-]+:[0-9]{1,5}", 200))
            .optional("checkEveryMinutes", Rules.integer(1, 1440))
            .build(), JsonLimits.builder().maxDocumentBytes(1024).build());

    @TempDir
    Path dir;

    @Test
    void read_validFile_returnsTree() throws Exception {
        Path f = dir.resolve("c.json");
        Files.write(f, "{\"broker\":\"ssl://mqtt.example.com:8883\",\"checkEveryMinutes\":60}".getBytes(StandardCharsets.UTF_8));
        JsonValue n = ConfigFiles.read(f, CONFIG);
        assertThat(n.get("checkEveryMinutes").get().asLong()).isEqualTo(60);
    }

    @Test
    void read_oversizedFile_refusedAsTooLarge() throws IOException {
        Path f = dir.resolve("big.json");
        Files.write(f, ("{\"broker\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConfigFiles.read(f, CONFIG)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void read_endlessFile_refusedWithoutReadingItAll() {
        Path zero = Paths.get("/dev/zero");
        assumeTrue(Files.isReadable(zero), "/dev/zero is not available on this system");
        assertThatThrownBy(() -> ConfigFiles.read(zero, CONFIG)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void read_invalidContent_namesTheField() throws IOException {
        Path f = dir.resolve("c.json");
        Files.write(f, "{\"broker\":\"tcp://plain:1883\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConfigFiles.read(f, CONFIG)).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.path()).isEqualTo("$.broker"));
    }

    @Test
    void read_missingFile_isIOException() {
        assertThatThrownBy(() -> ConfigFiles.read(dir.resolve("none.json"), CONFIG)).isInstanceOf(IOException.class);
    }
}
