package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second process opening the same keystore is stopped by the file lock, with a clear error. */
class ProcessLockTest {
    @TempDir
    Path dir;

    @Test
    void keystoreHeldByChildProcess_throwsKeystoreInUseException_untilChildCloses() throws Exception {
        Path file = dir.resolve("keystore");
        Path secret = dir.resolve("device.secret");
        Keystore.open(file, MasterKeySource.deviceSecretFile(secret)).close();
        Process child = ChildProcesses.start("hold", file.toString(), secret.toString());
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("OPEN");
        assertThatThrownBy(() -> Keystore.open(file, MasterKeySource.deviceSecretFile(secret)))
                .isInstanceOf(KeystoreInUseException.class).hasMessageContaining("in use by another process")
                .hasMessageContaining(file.getFileName().toString());
        child.getOutputStream().close();
        assertThat(out.readLine()).isEqualTo("CLOSED");
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (Keystore ks = Keystore.open(file, MasterKeySource.deviceSecretFile(secret))) {
            assertThat(ks.created()).isFalse();
        }
    }

    @Test
    void childOpening_whileThisProcessHoldsIt_isRefused_andKilledHolderReleasesTheLock() throws Exception {
        Path file = dir.resolve("keystore");
        Path secret = dir.resolve("device.secret");
        try (Keystore ks = Keystore.open(file, MasterKeySource.deviceSecretFile(secret))) {
            Process child = ChildProcesses.start("hold", file.toString(), secret.toString());
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).startsWith("REFUSED KeystoreInUseException");
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process holder = ChildProcesses.start("hold", file.toString(), secret.toString());
        assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine())
                .isEqualTo("OPEN");
        holder.destroyForcibly();
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Keystore.open(file, MasterKeySource.deviceSecretFile(secret)).close();
    }
}
