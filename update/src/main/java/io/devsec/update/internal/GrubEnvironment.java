package io.devsec.update.internal;

import io.devsec.update.BootEnvironment;
import io.devsec.update.Slot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The GRUB environment block through {@code grub-editenv}. All variables of one {@link #set} go
 * through one {@code grub-editenv FILE set ...} run (one write of the 1 KiB block). grub-editenv
 * rewrites the block in place (GRUB's own {@code save_env} does too), so a power cut during that one
 * write can tear it; there is no redundant copy.
 */
public final class GrubEnvironment implements BootEnvironment, EnvironmentBootControl.Listing {
    private final Path file;
    private final Path cmdline;

    public GrubEnvironment(Path file, Path cmdline) {
        this.file = Objects.requireNonNull(file, "grubenv");
        this.cmdline = Objects.requireNonNull(cmdline, "kernelCommandLine");
    }

    @Override
    public Map<String, String> all() throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Collections.emptyMap();
        }
        return BootTools.parseListing(BootTools.run(Arrays.asList("grub-editenv", file.toString(), "list")));
    }

    @Override
    public Optional<String> get(String name) throws IOException {
        BootTools.checkName(name);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.ofNullable(BootTools.parseListing(
                BootTools.run(Arrays.asList("grub-editenv", file.toString(), "list"))).get(name));
    }

    @Override
    public void set(Map<String, String> variables) throws IOException {
        BootTools.checkAll(variables);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            BootTools.run(Arrays.asList("grub-editenv", file.toString(), "create"));
        }
        List<String> c = new ArrayList<>(Arrays.asList("grub-editenv", file.toString(), "set"));
        for (Map.Entry<String, String> e : variables.entrySet()) {
            c.add(e.getKey() + "=" + e.getValue());
        }
        BootTools.run(c);
    }

    @Override
    public Slot runningSlot() throws IOException {
        return BootTools.slotFromCommandLine(cmdline);
    }

    @Override
    public Scheme scheme() {
        return Scheme.GRUB_RAUC;
    }

    @Override
    public String toString() {
        return "GrubEnvironment[" + file + "]";
    }
}
