package io.devsec.storage.internal;

import io.devsec.storage.RollbackProtection;
import io.devsec.storage.Tpm2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TPM 2.0 NV counter (TPM_NT_COUNTER) through the tpm2-tools command line: {@code tpm2_nvread},
 * {@code tpm2_nvincrement} and {@code tpm2_nvdefine}, started without a shell, with fixed arguments
 * built from validated settings, the TCTI in the environment and a timeout. The TPM only increments
 * such a counter and no one can lower it; its first increment sets it to at least the highest value
 * any NV counter of this TPM ever had.
 *
 * <p>Limits: owner authorization is assumed empty. If the JVM is killed while a {@code tpm2_nvincrement}
 * it started is still running and the keystore is reopened before that tool finishes, the counter can end
 * one step ahead of the file and the open is refused as a rollback; after a power cut this cannot happen.
 * Without a resource manager (swtpm in tests), a killed tool leaves its session in the TPM.
 */
public final class Tpm2NvCounter implements RollbackProtection {
    private static final Logger LOG = LoggerFactory.getLogger(Tpm2NvCounter.class);
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final int MAX_STEPS = 1024;

    private final Tpm2Settings settings;
    private final String index;

    private Tpm2NvCounter(Tpm2Settings settings) {
        this.settings = settings;
        this.index = String.format(Locale.ROOT, "0x%08x", settings.nvIndex());
    }

    /**
     * @param settings validated settings
     * @return the counter
     */
    public static Tpm2NvCounter of(Tpm2Settings settings) {
        return new Tpm2NvCounter(Objects.requireNonNull(settings, "settings"));
    }

    /** The result of reading: a value, never incremented, or not defined. */
    private static final long UNDEFINED = -2;

    @Override
    public synchronized long read() throws IOException {
        long v = readRaw();
        return v == UNDEFINED ? NEVER_SET : v;
    }

    private long readRaw() throws IOException {
        Result r = run("tpm2_nvread", index, "-C", "o", "-s", "8", "--offset", "0");
        if (r.exit == 0) {
            if (r.stdout.length != 8) {
                throw new IOException("tpm2_nvread " + index + " returned " + r.stdout.length + " bytes, not 8.");
            }
            long v = 0;
            for (byte b : r.stdout) {
                v = (v << 8) | (b & 0xff);
            }
            if (v < 0) {
                throw new IOException("The TPM counter " + index + " is beyond the signed 64-bit range.");
            }
            return v;
        }
        String err = r.stderr.toLowerCase(Locale.ROOT);
        if (err.contains("0x14a")) {
            return NEVER_SET; // defined, never incremented (TPM_RC_NV_UNINITIALIZED)
        }
        if (err.contains("0x18b") || err.contains("0x28b")) {
            return UNDEFINED; // TPM_RC_HANDLE: no such index
        }
        throw new IOException("tpm2_nvread " + index + " failed (exit " + r.exit + "): " + firstLine(r.stderr));
    }

    @Override
    public synchronized long advanceTo(long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("value must not be negative, got " + value + ".");
        }
        long current = readRaw();
        if (current == UNDEFINED) {
            if (!settings.defineIfAbsent()) {
                throw new IOException("The TPM NV index " + index + " is not defined (defineIfAbsent is off).");
            }
            Result d = run("tpm2_nvdefine", index, "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|nt=counter");
            if (d.exit != 0) {
                throw new IOException("tpm2_nvdefine " + index + " failed (exit " + d.exit + "): " + firstLine(d.stderr));
            }
            LOG.info("Defined the TPM NV counter {}.", index);
            current = NEVER_SET;
        }
        int steps = 0;
        while (current < value) {
            if (++steps > MAX_STEPS) {
                throw new IOException("The TPM counter " + index + " is at " + current + "; reaching " + value
                        + " would take more than " + MAX_STEPS + " increments.");
            }
            Result inc = run("tpm2_nvincrement", index, "-C", "o");
            if (inc.exit != 0) {
                throw new IOException("tpm2_nvincrement " + index + " failed (exit " + inc.exit + "): "
                        + firstLine(inc.stderr));
            }
            current = current == NEVER_SET ? readRaw() : current + 1;
        }
        return current;
    }

    /** One tool run's exit status and output. */
    private static final class Result {
        final int exit;
        final byte[] stdout;
        final String stderr;

        Result(int exit, byte[] stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    private Result run(String tool, String... args) throws IOException {
        Path exe = settings.toolsFolder().resolve(tool);
        if (!Files.isExecutable(exe)) {
            throw new IOException(exe + " is missing: install tpm2-tools (apt-get install -y tpm2-tools).");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TPM2TOOLS_TCTI", settings.tcti());
        pb.environment().remove("TSS2_LOG");
        Process p = pb.start();
        p.getOutputStream().close();
        Drain err = new Drain(p.getErrorStream());
        Thread errThread = new Thread(err, "devsec-tpm2-stderr");
        errThread.setDaemon(true);
        errThread.start();
        byte[] out;
        try {
            boolean done;
            Drain o = new Drain(p.getInputStream());
            Thread outThread = new Thread(o, "devsec-tpm2-stdout");
            outThread.setDaemon(true);
            outThread.start();
            done = p.waitFor(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new IOException(tool + " " + index + " did not finish within " + settings.timeoutMillis()
                        + " ms (TCTI " + settings.tcti() + ").");
            }
            outThread.join(settings.timeoutMillis());
            errThread.join(settings.timeoutMillis());
            out = o.bytes();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(tool + " was interrupted.", e);
        }
        return new Result(p.exitValue(), out, new String(err.bytes(), StandardCharsets.UTF_8));
    }

    /** Reads a stream to its end, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] b = new byte[4096];
            try (InputStream s = in) {
                int n;
                while ((n = s.read(b)) >= 0) {
                    synchronized (buf) {
                        if (buf.size() + n <= MAX_OUTPUT) {
                            buf.write(b, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended or was killed
            }
        }

        byte[] bytes() {
            synchronized (buf) {
                return buf.toByteArray();
            }
        }
    }

    private static String firstLine(String s) {
        for (String line : s.split("\n")) {
            if (line.startsWith("ERROR")) {
                return line.length() > 300 ? line.substring(0, 300) : line;
            }
        }
        String t = s.trim();
        return t.length() > 300 ? t.substring(0, 300) : t;
    }

    @Override
    public String description() {
        return "TPM 2.0 NV counter " + index;
    }

    @Override
    public String toString() {
        return "RollbackProtection.tpm2NvCounter(" + settings + ")";
    }
}
