package io.devsec.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on a free loopback port with a generated configuration: TLS
 * listener, client certificates required, the certificate CN as user name ({@code use_identity_as_username}) and an
 * ACL confining each device to {@code devices/<CN>/#} ({@code pattern readwrite devices/%u/#}), plus observer CNs
 * that may read {@code devices/#}. The README's "Connecting to your broker" set-up, with queue limits for tests.
 *
 * <p>Without mosquitto installed a test skips with the install command, and fails when env {@code CI=true}
 * ({@link Requirements}).
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path exe;
    private final Path dir;
    private final Path conf;
    private final int port;
    private Process process;

    /**
     * The mosquitto executable, or skips the test (fails it on CI) with the install command.
     *
     * @return the executable
     */
    public static Path requireExecutable() {
        return Requirements.requireExecutable("mosquitto", "/usr/sbin/mosquitto", "/usr/bin/mosquitto",
                "/usr/local/sbin/mosquitto");
    }

    /**
     * Starts a broker with {@code server}'s identity trusting {@code ca}'s clients.
     *
     * @param dir the broker's folder (made world-readable: mosquitto run as root drops to user mosquitto)
     * @param ca the CA of the clients
     * @param server the server identity
     * @param observers CNs that may read every device's topics
     * @throws Exception when mosquitto does not start within 15 s
     */
    public MosquittoBroker(Path dir, TestCa ca, TestCa.Issued server, String... observers) throws Exception {
        this(dir, ca, server, List.of(), observers);
    }

    /**
     * As {@link #MosquittoBroker(Path, TestCa, TestCa.Issued, String...)} with extra configuration lines appended
     * (for example {@code max_inflight_messages 2}).
     *
     * @param dir the broker's folder
     * @param ca the CA of the clients
     * @param server the server identity
     * @param extraConf configuration lines
     * @param observers CNs that may read every device's topics
     * @throws Exception when mosquitto does not start within 15 s
     */
    public MosquittoBroker(Path dir, TestCa ca, TestCa.Issued server, List<String> extraConf, String... observers)
            throws Exception {
        this(dir, pemWriter(ca, server), extraConf, observers);
    }

    /**
     * A broker on PEM files made elsewhere (a CA made with openssl, as in the README); they are copied into
     * {@code dir}.
     *
     * @param dir the broker's folder
     * @param caPem the CA certificate of the clients
     * @param certPem the server's certificate chain
     * @param keyPem the server's private key
     * @return the started broker
     * @throws Exception when mosquitto does not start within 15 s
     */
    public static MosquittoBroker fromPemFiles(Path dir, Path caPem, Path certPem, Path keyPem) throws Exception {
        return new MosquittoBroker(dir, d -> {
            Files.copy(caPem, d.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certPem, d.resolve("server.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(keyPem, d.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
        }, List.of());
    }

    private interface PemFiles {
        void writeInto(Path dir) throws Exception;
    }

    private static PemFiles pemWriter(TestCa ca, TestCa.Issued server) {
        return d -> {
            TestCa.writePem(d.resolve("ca.pem"), ca.caCertificate());
            TestCa.writePem(d.resolve("server.pem"), server.chain().toArray());
            TestCa.writePem(d.resolve("server.key"), server.privateKey());
        };
    }

    private MosquittoBroker(Path dir, PemFiles pems, List<String> extraConf, String... observers) throws Exception {
        this.exe = requireExecutable();
        this.dir = Files.createDirectories(dir);
        this.port = Ports.freePort();
        pems.writeInto(dir);
        Path caFile = dir.resolve("ca.pem");
        Path certFile = dir.resolve("server.pem");
        Path keyFile = dir.resolve("server.key");
        Path acl = dir.resolve("acl");
        StringBuilder a = new StringBuilder("pattern readwrite devices/%u/#\n");
        for (String o : observers) {
            a.append("\nuser ").append(o).append("\ntopic read devices/#\n");
        }
        Files.writeString(acl, a.toString());
        conf = dir.resolve("mosquitto.conf");
        List<String> lines = new ArrayList<>(List.of(
                "per_listener_settings false",
                "listener " + port + " 127.0.0.1",
                "cafile " + caFile,
                "certfile " + certFile,
                "keyfile " + keyFile,
                "require_certificate true",
                "use_identity_as_username true",
                "allow_anonymous false",
                "acl_file " + acl,
                "set_tcp_nodelay true",
                "persistence false",
                "max_queued_messages 200000"));
        if (extraConf.stream().noneMatch(l -> l.startsWith("max_inflight_messages"))) {
            lines.add("max_inflight_messages 100");
        }
        lines.addAll(List.of("log_type error", "log_type warning", "log_type notice"));
        lines.addAll(extraConf);
        lines.add("");
        Files.writeString(conf, String.join("\n", lines));
        // Started as root, mosquitto drops to user mosquitto before reading the key and the ACL.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path p : new Path[] {caFile, certFile, acl, conf}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));
        try {
            GroupPrincipal g = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("mosquitto");
            Files.getFileAttributeView(keyFile, PosixFileAttributeView.class).setGroup(g);
        } catch (IOException | UnsupportedOperationException e) {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        }
        start();
    }

    /**
     * Starts mosquitto (again, after {@link #kill()}) on the same port; no-op when running.
     *
     * @throws Exception when it does not listen within 15 s
     */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(exe.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        Process p = process;
        boolean up = Ports.poll(Duration.ofSeconds(15), () -> !p.isAlive() || Ports.listening(port));
        if (!up || !p.isAlive()) {
            throw new IllegalStateException("mosquitto did not start; log:\n" + log());
        }
    }

    /**
     * SIGKILL: the broker dies without a clean shutdown.
     *
     * @throws InterruptedException when interrupted while waiting for it to exit
     */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** @return the TLS port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /**
     * What mosquitto logged (errors, warnings, notices).
     *
     * @return the log
     * @throws IOException when it cannot be read
     */
    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
