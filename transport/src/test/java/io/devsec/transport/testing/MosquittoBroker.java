package io.devsec.transport.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto on a free loopback port with a generated configuration: TLS listener, client
 * certificates required, the certificate CN as user name, and an ACL confining each device to
 * {@code devices/<CN>/#} (plus {@code observer} CNs that may read {@code devices/#}).
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path exe;
    private final Path dir;
    private final Path conf;
    private final int port;
    private Process process;

    public MosquittoBroker(Path dir, TestPki ca, TestPki.Issued server, String... observers) throws Exception {
        this(dir, ca, server, java.util.List.of(), observers);
    }

    /** With extra configuration lines appended (for example {@code max_inflight_messages 2}). */
    public MosquittoBroker(Path dir, TestPki ca, TestPki.Issued server, java.util.List<String> extraConf, String... observers)
            throws Exception {
        this.exe = Requirements.requireExecutable("mosquitto", "/usr/sbin/mosquitto", "/usr/bin/mosquitto",
                "/usr/local/sbin/mosquitto");
        this.dir = dir;
        this.port = EmbeddedMoquette.freePort();
        Path caFile = dir.resolve("ca.pem");
        Path certFile = dir.resolve("server.pem");
        Path keyFile = dir.resolve("server.key");
        Path acl = dir.resolve("acl");
        TestPki.writePem(caFile, ca.caCertificate());
        TestPki.writePem(certFile, server.certificate(), ca.caCertificate());
        TestPki.writePem(keyFile, server.privateKey());
        StringBuilder a = new StringBuilder("pattern readwrite devices/%u/#\n");
        for (String o : observers) {
            a.append("\nuser ").append(o).append("\ntopic read devices/#\n");
        }
        Files.writeString(acl, a.toString());
        conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
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
                "max_queued_messages 200000",
                extraConf.stream().anyMatch(l -> l.startsWith("max_inflight_messages")) ? "" : "max_inflight_messages 100",
                "log_type error",
                "log_type warning",
                "log_type notice",
                String.join("\n", extraConf),
                ""));
        // Started as root, mosquitto drops to user mosquitto before reading the key and ACL.
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

    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(exe.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        Process p = process;
        boolean up = Waits.tryUntil(Duration.ofSeconds(15), () -> {
            if (!p.isAlive()) {
                return true;
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        if (!up || !p.isAlive()) {
            throw new IllegalStateException("mosquitto did not start; log:\n" + Files.readString(dir.resolve("mosquitto.log")));
        }
    }

    /** SIGKILL: the broker dies without a clean shutdown. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto.log"));
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
