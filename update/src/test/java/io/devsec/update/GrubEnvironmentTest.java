package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GRUB adapter against the real grub-editenv on a grubenv file. */
class GrubEnvironmentTest {
    @TempDir
    Path dir;

    BootEnvironment env;

    @BeforeEach
    void setUp() throws Exception {
        ExternalTools.require("grub-editenv", "apt-get install grub-common");
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "BOOT_IMAGE=/vmlinuz rauc.slot=A quiet\n");
        env = BootEnvironment.grub(dir.resolve("grubenv"), cmdline);
    }

    @Test
    void set_createsTheBlockAndWritesSeveralVariablesInOneRun() throws Exception {
        assertThat(env.get("ORDER")).as("no block yet").isEmpty();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ORDER", "B A");
        vars.put("B_OK", "1");
        vars.put("B_TRY", "0");
        env.set(vars);
        assertThat(Files.size(dir.resolve("grubenv"))).isEqualTo(1024);
        assertThat(env.get("ORDER")).contains("B A");
        assertThat(env.get("B_OK")).contains("1");
        assertThat(env.get("A_OK")).isEmpty();
        assertThat(env.runningSlot()).as("RAUC's rauc.slot= is read too").isEqualTo(Slot.A);
        assertThat(env.scheme()).isEqualTo(BootEnvironment.Scheme.GRUB_RAUC);
    }

    @Test
    void set_newlineInValue_refusedBeforeAnythingIsWritten() throws Exception {
        env.set(Map.of("ORDER", "A B"));
        assertThatThrownBy(() -> env.set(Map.of("ORDER", "A B\nA_OK=1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> env.set(Map.of("A_OK=1 B", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(env.get("ORDER")).contains("A B");
        assertThat(env.get("A_OK")).isEmpty();
    }

    @Test
    void unreadableBlock_failsWithIOExceptionNamingTheTool() throws Exception {
        Files.writeString(dir.resolve("grubenv"), "not an environment block");
        assertThatThrownBy(() -> env.get("ORDER")).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("grub-editenv");
    }
}
