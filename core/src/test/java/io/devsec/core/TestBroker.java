package io.devsec.core;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/** Moquette 0.17 in-process on loopback: TLS only, client certificates from the test CA required. */
public final class TestBroker implements AutoCloseable {
    private final Server server = new Server();
    public final int port;

    public TestBroker(Path dir, BrokerPki pki) throws Exception {
        Files.createDirectories(dir);
        Path store = pki.brokerKeyStore(dir);
        port = freePort();
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", "disabled");
        p.setProperty("ssl_port", Integer.toString(port));
        p.setProperty("jks_path", store.toString());
        p.setProperty("key_store_type", "pkcs12");
        p.setProperty("key_store_password", new String(BrokerPki.STORE_PASSWORD));
        p.setProperty("key_manager_password", new String(BrokerPki.STORE_PASSWORD));
        p.setProperty("need_client_auth", "true");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", dir.resolve("data").toString());
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.tcp_nodelay", "true");
        server.startServer(new MemoryConfig(p));
        Conditions.await(Duration.ofSeconds(10), "broker listening", () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Drops the connection of {@code clientId} as a broker would (the client sees its connection lost). */
    public boolean disconnect(String clientId) {
        return server.disconnectClient(clientId);
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
