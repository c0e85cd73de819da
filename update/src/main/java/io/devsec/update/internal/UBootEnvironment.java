package io.devsec.update.internal;

import io.devsec.update.BootEnvironment;
import io.devsec.update.Slot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The U-Boot environment through {@code fw_printenv}/{@code fw_setenv} of libubootenv. All variables
 * of one {@link #set} go through one {@code fw_setenv --script} run, which writes the environment
 * once (to the inactive copy of a redundant environment, then switches). The tools lock {@code
 * /var/lock/fw_printenv.lock} themselves.
 */
public final class UBootEnvironment implements BootEnvironment, EnvironmentBootControl.Listing {
    private final Path config;
    private final Path defaultEnv;
    private final Path cmdline;

    public UBootEnvironment(Path config, Path defaultEnv, Path cmdline) {
        this.config = Objects.requireNonNull(config, "fwEnvConfig");
        this.defaultEnv = defaultEnv;
        this.cmdline = Objects.requireNonNull(cmdline, "kernelCommandLine");
    }

    private List<String> command(String tool) {
        List<String> c = new ArrayList<>();
        c.add(tool);
        c.add("-c");
        c.add(config.toString());
        if (defaultEnv != null) {
            c.add("-f");
            c.add(defaultEnv.toString());
        }
        return c;
    }

    @Override
    public Map<String, String> all() throws IOException {
        return BootTools.parseListing(BootTools.run(command("fw_printenv")));
    }

    @Override
    public Optional<String> get(String name) throws IOException {
        BootTools.checkName(name);
        // The whole listing: "fw_printenv -n missing" prints an empty line and exits 0, so a
        // missing variable could not be told from an empty one.
        return Optional.ofNullable(BootTools.parseListing(BootTools.run(command("fw_printenv"))).get(name));
    }

    @Override
    public void set(Map<String, String> variables) throws IOException {
        BootTools.checkAll(variables);
        StringBuilder script = new StringBuilder();
        for (Map.Entry<String, String> e : variables.entrySet()) {
            script.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        Path file = Files.createTempFile("devsec-fw-setenv", ".txt");
        try {
            Files.write(file, script.toString().getBytes(StandardCharsets.UTF_8));
            List<String> c = command("fw_setenv");
            c.add("-s");
            c.add(file.toString());
            BootTools.run(c);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public Slot runningSlot() throws IOException {
        return BootTools.slotFromCommandLine(cmdline);
    }

    @Override
    public Scheme scheme() {
        return Scheme.UBOOT_BOOTCOUNT;
    }

    @Override
    public String toString() {
        return "UBootEnvironment[" + config + "]";
    }
}
