package io.devsec.update.internal;

import io.devsec.update.Slot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Shared by the bootloader environments: variable checks, running a tool (no shell, a timeout, its
 * output read from a file so a chatty tool cannot block), and reading the running slot from the
 * kernel command line.
 */
public final class BootTools {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Longest value the library writes or accepts. */
    public static final int MAX_VALUE = 256;
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_OUTPUT = 1 << 20;

    private BootTools() {
    }

    /** @throws IllegalArgumentException when {@code name} is not a safe variable name */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("boot variable name must match " + NAME.pattern() + ": " + name);
        }
        return name;
    }

    /** @throws IllegalArgumentException when {@code value} holds CR, LF, NUL or is too long */
    public static String checkValue(String name, String value) {
        if (value == null || value.length() > MAX_VALUE || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("value of boot variable " + name
                    + " must be at most " + MAX_VALUE + " characters without CR, LF or NUL");
        }
        return value;
    }

    /** Checks every pair and refuses an empty map. */
    public static void checkAll(Map<String, String> variables) {
        if (variables.isEmpty()) {
            throw new IllegalArgumentException("no variables to set");
        }
        for (Map.Entry<String, String> e : variables.entrySet()) {
            checkValue(checkName(e.getKey()), e.getValue());
        }
    }

    /**
     * Runs {@code command} (no shell) and returns its standard output.
     *
     * @throws IOException when it cannot start, exceeds the timeout, or exits non-zero (with its
     *     error output in the message)
     */
    public static String run(List<String> command) throws IOException {
        Path out = Files.createTempFile("devsec-boot-out", ".txt");
        Path err = Files.createTempFile("devsec-boot-err", ".txt");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
            } catch (IOException e) {
                throw new IOException("cannot run " + command.get(0) + " (is it installed? Debian: "
                        + hint(command.get(0)) + "): " + e.getMessage(), e);
            }
            boolean done;
            try {
                done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(command.get(0) + " interrupted", e);
            }
            if (!done) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(command + " failed with exit code " + p.exitValue() + ": "
                        + read(err).trim());
            }
            return read(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String hint(String tool) {
        return tool.startsWith("grub") ? "apt-get install grub-common" : "apt-get install libubootenv-tool";
    }

    private static String read(Path file) throws IOException {
        if (Files.size(file) > MAX_OUTPUT) {
            throw new IOException("tool output larger than " + MAX_OUTPUT + " bytes");
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** Parses {@code name=value} lines (as printed by fw_printenv and grub-editenv list). */
    public static Map<String, String> parseListing(String listing) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(vars);
    }

    /**
     * The slot named by {@code devsec.slot=A|B} (or RAUC's {@code rauc.slot=A|B}) on the kernel command
     * line in {@code cmdline}.
     *
     * @throws IOException when the file cannot be read or names no slot
     */
    public static Slot slotFromCommandLine(Path cmdline) throws IOException {
        String text = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            if (word.startsWith("devsec.slot=") || word.startsWith("rauc.slot=")) {
                found.add(word.substring(word.indexOf('=') + 1));
            }
        }
        if (found.size() != 1 || !(found.get(0).equals("A") || found.get(0).equals("B"))) {
            throw new IOException("the kernel command line " + cmdline
                    + " must name the running slot once as devsec.slot=A or devsec.slot=B; found " + found);
        }
        return Slot.valueOf(found.get(0));
    }
}
