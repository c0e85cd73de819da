package io.devsec.storage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A software TPM 2.0 ({@code swtpm}) in socket mode on free loopback ports, with its state in a folder
 * of the test; stopped by {@link #close()}. Skips when swtpm or tpm2-tools is missing
 * ({@code apt-get install -y swtpm swtpm-tools tpm2-tools}); fails instead when CI=true.
 */
public final class Swtpm implements AutoCloseable {
    private final Process process;
    private final int port;

    private Swtpm(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a TPM whose state lives in {@code stateDir} and waits until it accepts connections. */
    public static Swtpm start(Path stateDir) throws Exception {
        if (!SoftHsm.onPath("swtpm") || !SoftHsm.onPath("tpm2_nvincrement")) {
            SoftHsm.skipOrFail("swtpm or tpm2-tools is not installed: apt-get install -y swtpm swtpm-tools tpm2-tools");
        }
        java.nio.file.Files.createDirectories(stateDir);
        // The swtpm TCTI of tpm2-tools reaches the control channel on the server port + 1.
        int server = freePortPair();
        int ctrl = server + 1;
        Process p = new ProcessBuilder("swtpm", "socket", "--tpm2", "--server", "type=tcp,port=" + server + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + ctrl + ",bindaddr=127.0.0.1", "--tpmstate", "dir=" + stateDir,
                "--flags", "not-need-init,startup-clear")
                .redirectErrorStream(true).redirectOutput(stateDir.resolve("swtpm.log").toFile()).start();
        Swtpm tpm = new Swtpm(p, server);
        try {
            TestSupport.await(() -> !p.isAlive() || accepts(server), Duration.ofSeconds(20), "swtpm to listen");
            if (!p.isAlive()) {
                throw new IllegalStateException("swtpm exited with " + p.exitValue() + "; see " + stateDir.resolve("swtpm.log"));
            }
        } catch (RuntimeException e) {
            tpm.close();
            throw e;
        }
        return tpm;
    }

    /** The TCTI for tpm2-tools. */
    public String tcti() {
        return "swtpm:host=127.0.0.1,port=" + port;
    }

    /** Settings for an NV counter at {@code index} on this TPM. */
    public Tpm2Settings settings(int index) {
        return Tpm2Settings.builder(index).tcti(tcti()).build();
    }

    /**
     * Flushes sessions that a killed tool left in the TPM: a tpm2-tools run whose parent JVM was killed dies of
     * SIGPIPE before it flushes its session, and swtpm has no resource manager to do it (the kernel's
     * /dev/tpmrm0 does on a device). Without this, the TPM runs out of session slots (TPM_RC_SESSION_MEMORY).
     */
    public void flushSessions() throws Exception {
        for (String flag : new String[] {"--loaded-session", "--saved-session", "--transient-object"}) {
            ProcessBuilder pb = new ProcessBuilder("tpm2_flushcontext", flag).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("TPM2TOOLS_TCTI", tcti());
            Process p = pb.start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tpm2_flushcontext hung");
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket a = new ServerSocket(0)) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try (ServerSocket b = new ServerSocket(p + 1)) {
                    return p;
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no two adjacent free loopback ports");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
