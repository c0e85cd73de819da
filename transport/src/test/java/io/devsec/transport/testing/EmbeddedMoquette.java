package io.devsec.transport.testing;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Properties;

/** Moquette 0.17 in-process on loopback: TLS only, client certificates required (need_client_auth). */
public final class EmbeddedMoquette implements AutoCloseable {
    private final Path dir;
    private final Properties props = new Properties();
    private final int port;
    private Server server;

    public EmbeddedMoquette(Path dir, TestPki ca, TestPki.Issued serverIdentity) throws Exception {
        this.dir = dir;
        KeyStore ks = TestPki.keyStore(serverIdentity, ca.caCertificate());
        Path jks = dir.resolve("moquette.p12");
        try (OutputStream out = Files.newOutputStream(jks)) {
            ks.store(out, TestPki.PASSWORD);
        }
        port = freePort();
        props.setProperty("host", "127.0.0.1");
        props.setProperty("port", "disabled");
        props.setProperty("ssl_port", Integer.toString(port));
        props.setProperty("jks_path", jks.toString());
        props.setProperty("key_store_type", "pkcs12");
        props.setProperty("key_store_password", new String(TestPki.PASSWORD));
        props.setProperty("key_manager_password", new String(TestPki.PASSWORD));
        props.setProperty("need_client_auth", "true");
        props.setProperty("allow_anonymous", "true");
        props.setProperty("persistence_enabled", "false");
        props.setProperty("data_path", dir.resolve("data").toString());
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("netty.tcp_nodelay", "true");
        start();
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        Server s = new Server();
        s.startServer(new MemoryConfig(props));
        server = s;
        Waits.until(Duration.ofSeconds(10), "moquette listening on " + port, () -> {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return probe.isConnected();
            } catch (Exception e) {
                return false;
            }
        });
    }

    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    public int port() {
        return port;
    }

    /** Publishes from inside the broker to whoever subscribed, bypassing any client-side checks. */
    public synchronized void inject(String topic, byte[] payload) {
        server.internalPublish(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                .payload(Unpooled.wrappedBuffer(payload)).retained(false).messageId(1).build(), "test-injector");
    }

    @Override
    public void close() {
        stop();
    }
}
