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

/** The U-Boot adapter against the real fw_printenv/fw_setenv on a 16 KiB file-backed environment. */
class UBootEnvironmentTest {
    @TempDir
    Path dir;

    BootEnvironment env;

    /** A blank 16 KiB environment file with its own fw_env.config and a default environment. */
    static BootEnvironment fileBacked(Path dir, Path cmdline) throws Exception {
        Path bin = dir.resolve("uboot-env.bin");
        Files.write(bin, new byte[0x4000]);
        Path config = dir.resolve("fw_env.config");
        Files.writeString(config, bin.toAbsolutePath() + " 0x0 0x4000\n");
        Path defaults = dir.resolve("default-env.txt");
        Files.writeString(defaults, "bootcount=0\n");
        return BootEnvironment.uBoot(config, defaults, cmdline);
    }

    @BeforeEach
    void setUp() throws Exception {
        ExternalTools.require("fw_setenv", "apt-get install libubootenv-tool");
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "console=ttyS0 devsec.slot=B rootwait\n");
        env = fileBacked(dir, cmdline);
    }

    @Test
    void set_severalVariablesInOneWrite_readBackExactly() throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("devsec_confirmed", "A");
        vars.put("upgrade_available", "1");
        vars.put("altbootcmd", "setenv devsec_boot ${devsec_confirmed}; run bootcmd");
        vars.put("empty_ok", "");
        env.set(vars);
        assertThat(env.get("devsec_confirmed")).contains("A");
        assertThat(env.get("altbootcmd")).contains("setenv devsec_boot ${devsec_confirmed}; run bootcmd");
        assertThat(env.get("bootcount")).as("the default environment was used for the first write").contains("0");
        assertThat(env.get("never_set")).isEmpty();
        assertThat(env.runningSlot()).isEqualTo(Slot.B);
        assertThat(env.scheme()).isEqualTo(BootEnvironment.Scheme.UBOOT_BOOTCOUNT);
    }

    @Test
    void set_newlineInValueOrBadName_refusedBeforeAnythingIsWritten() throws Exception {
        env.set(Map.of("devsec_trial", "none"));
        assertThatThrownBy(() -> env.set(Map.of("devsec_trial", "B\nbootcmd=evil")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR, LF or NUL");
        assertThatThrownBy(() -> env.set(Map.of("bootcmd=evil", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> env.get("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(env.get("devsec_trial")).contains("none");
        assertThat(env.get("bootcmd")).isEmpty();
    }

    @Test
    void brokenConfiguration_failsWithIOExceptionNamingTheTool() throws Exception {
        BootEnvironment broken = BootEnvironment.uBoot(dir.resolve("missing.config"), null, dir.resolve("cmdline"));
        assertThatThrownBy(() -> broken.set(Map.of("x", "1"))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("fw_setenv").hasMessageContaining("exit code");
        assertThatThrownBy(() -> broken.get("x")).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("fw_printenv");
    }

    @Test
    void runningSlot_commandLineWithoutSlot_failsClosed() throws Exception {
        Files.writeString(dir.resolve("cmdline"), "console=ttyS0 rootwait\n");
        assertThatThrownBy(() -> env.runningSlot()).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("devsec.slot=A");
    }
}
