package io.devsec.examples;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The demo's MQTT broker: Moquette in this process, on loopback, TLS only, every client must present a
 * certificate from the {@link DemoCa} (mutual TLS). Moquette speaks MQTT 3.1.1.
 */
final class DemoBroker implements AutoCloseable {
    private final Server server = new Server();
    private final int port;

    private DemoBroker(int port) {
        this.port = port;
    }

    static DemoBroker start(Path folder, DemoCa ca) throws Exception {
        Files.createDirectories(folder);
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
        Path store = ca.brokerKeyStore(folder, password);
        int port = freePort();
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", "disabled");
        p.setProperty("ssl_port", Integer.toString(port));
        p.setProperty("jks_path", store.toString());
        p.setProperty("key_store_type", "pkcs12");
        p.setProperty("key_store_password", new String(password));
        p.setProperty("key_manager_password", new String(password));
        p.setProperty("need_client_auth", "true");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", folder.resolve("data").toString());
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.tcp_nodelay", "true");
        DemoBroker broker = new DemoBroker(port);
        broker.server.startServer(new MemoryConfig(p));
        return broker;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
