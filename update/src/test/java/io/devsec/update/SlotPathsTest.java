package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotPathsTest {
    @TempDir
    Path dir;

    @Test
    void resolve_plainRelativePath_staysInSlot() throws Exception {
        Path slot = Files.createDirectories(dir.resolve("slot"));
        assertThat(SlotPaths.resolve(slot, "bin/app.jar")).isEqualTo(slot.toAbsolutePath().resolve("bin/app.jar"));
    }

    @Test
    void resolve_escapingPaths_throwUnsafePathException() throws Exception {
        Path slot = Files.createDirectories(dir.resolve("slot"));
        for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "", "a\\b", "C:x",
                "a/", "..", "a\0b"}) {
            assertThatThrownBy(() -> SlotPaths.resolve(slot, bad)).as(bad).isInstanceOfSatisfying(
                    UnsafePathException.class, e -> assertThat(e.path()).isEqualTo(bad));
        }
    }

    @Test
    void resolve_throughSymlink_throwsUnsafePathException() throws Exception {
        Path slot = Files.createDirectories(dir.resolve("slot"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(slot.resolve("lib"), outside);
        assertThatThrownBy(() -> SlotPaths.resolve(slot, "lib/evil.so")).isInstanceOf(UnsafePathException.class);
        Files.createSymbolicLink(slot.resolve("file"), outside.resolve("f"));
        assertThatThrownBy(() -> SlotPaths.resolve(slot, "file")).isInstanceOf(UnsafePathException.class);
    }
}
