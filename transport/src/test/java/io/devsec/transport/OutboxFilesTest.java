package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxFilesTest {

    @TempDir
    Path dir;

    @Test
    void delete_outboxWithFiles_removesEveryFileAndCountsThem() throws Exception {
        Path outbox = Files.createDirectory(dir.resolve("outbox"));
        Files.write(outbox.resolve("outbox.journal"), new byte[100]);
        Files.write(outbox.resolve("outbox.journal.tmp"), new byte[20]);
        Path kept = Files.createDirectory(outbox.resolve("sub"));

        OutboxFiles deleted = OutboxFiles.delete(outbox);

        assertThat(deleted.files()).isEqualTo(2);
        assertThat(deleted.bytes()).isEqualTo(120);
        assertThat(Files.list(outbox)).containsExactly(kept);
    }

    @Test
    void delete_missingDirectory_deletesNothing() throws Exception {
        OutboxFiles deleted = OutboxFiles.delete(dir.resolve("absent"));
        assertThat(deleted.files()).isZero();
        assertThat(deleted.bytes()).isZero();
    }

    @Test
    void delete_symlinkInOutbox_neverTouchesItsTarget() throws Exception {
        Path outbox = Files.createDirectory(dir.resolve("outbox"));
        Path target = Files.write(dir.resolve("precious"), new byte[] {1});
        Files.createSymbolicLink(outbox.resolve("link"), target);

        OutboxFiles.delete(outbox);

        assertThat(Files.exists(target)).isTrue();
    }
}
