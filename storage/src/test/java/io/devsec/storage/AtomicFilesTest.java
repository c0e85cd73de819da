package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void write_createsOwnerOnlyFile_replacesContent_andLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("state.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertThat(mode(f)).isEqualTo("rw-------");
        AtomicFiles.write(f, new byte[] {9, 8, 7, 6, 5, 4}, 1, 3);
        assertThat(Files.readAllBytes(f)).containsExactly(8, 7, 6);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void createOwnerOnlyDirectories_makesEveryNewLevel0700() throws Exception {
        Path deep = dir.resolve("a/b/c");
        AtomicFiles.createOwnerOnlyDirectories(deep);
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(deep)).isEqualTo("rwx------");
        AtomicFiles.createOwnerOnlyDirectories(deep);
    }

    @Test
    void createNew_refusesToOverwrite() throws Exception {
        Path f = dir.resolve("secret");
        AtomicFiles.createNew(f, new byte[] {1});
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThatThrownBy(() -> AtomicFiles.createNew(f, new byte[] {2})).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(f)).containsExactly(1);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void deleteStaleTemporaryFiles_removesOnlyThisTargetsTemporaries() throws Exception {
        Path f = dir.resolve("ks");
        Files.write(dir.resolve(".ks.abc.tmp"), new byte[1]);
        Files.write(dir.resolve(".other.abc.tmp"), new byte[1]);
        assertThat(AtomicFiles.deleteStaleTemporaryFiles(f)).isEqualTo(1);
        assertThat(dir.resolve(".other.abc.tmp")).exists();
    }
}
