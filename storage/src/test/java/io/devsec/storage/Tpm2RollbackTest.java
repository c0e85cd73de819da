package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPM 2.0 NV counter backend against {@code swtpm} through tpm2-tools. Skips when they are missing
 * ({@code apt-get install -y swtpm swtpm-tools tpm2-tools}), fails instead when CI=true.
 */
class Tpm2RollbackTest {
    @TempDir
    static Path tpmState;

    private static Swtpm tpm;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTpm() throws Exception {
        tpm = Swtpm.start(tpmState.resolve("tpm"));
    }

    @AfterAll
    static void stopTpm() throws Exception {
        if (tpm != null) {
            tpm.close();
        }
    }

    @Test
    void tpmCounter_olderKeystoreCopy_throwsKeystoreRollbackException() throws Exception {
        RollbackScenarios.olderCopyIsRefused(dir, TestSupport.secretIn(dir),
                RollbackProtection.tpm2NvCounter(tpm.settings(0x01800010)));
    }

    @Test
    void tpmCounter_definedOnFirstUse_onlyGoesUp() throws Exception {
        RollbackProtection counter = RollbackProtection.tpm2NvCounter(tpm.settings(0x01800011));
        assertThat(counter.read()).isEqualTo(RollbackProtection.NEVER_SET);
        long first = counter.advanceTo(0);
        assertThat(first).isGreaterThanOrEqualTo(0);
        assertThat(counter.read()).isEqualTo(first);
        assertThat(counter.advanceTo(first + 2)).isEqualTo(first + 2);
        assertThat(counter.advanceTo(first)).as("never lowered").isEqualTo(first + 2);
        assertThat(RollbackProtection.tpm2NvCounter(tpm.settings(0x01800011)).read()).isEqualTo(first + 2);
    }

    @Test
    void settings_invalidTctiOrIndex_refused() {
        assertThatThrownBy(() -> Tpm2Settings.builder(0x01800001).tcti("swtpm:host=1 port=2").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcti");
        assertThatThrownBy(() -> Tpm2Settings.builder(0x01800001).tcti("device:/dev/tpmrm0\n-C").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tpm2Settings.builder(0x81000001).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nvIndex");
        assertThatThrownBy(() -> Tpm2Settings.builder(0x01800001).toolsFolder(Path.of("bin")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }

    @Test
    void unreachableTpm_isAnIOException_withinTheTimeout() throws Exception {
        RollbackProtection counter = RollbackProtection.tpm2NvCounter(Tpm2Settings.builder(0x01800014)
                .tcti("swtpm:host=127.0.0.1,port=1").timeoutMillis(5000).build());
        assertThatThrownBy(counter::read).isInstanceOf(java.io.IOException.class);
    }
}
