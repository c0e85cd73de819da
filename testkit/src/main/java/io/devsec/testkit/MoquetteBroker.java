package io.devsec.testkit;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * Moquette 0.17 in this JVM on loopback: TLS only, client certificates from the test CA required
 * ({@code need_client_auth}), no persistence. One broker per test class is the usual set-up; {@link #stop()} and
 * {@link #start()} simulate an outage on the same port.
 */
public final class MoquetteBroker implements AutoCloseable {
    private final Properties props = new Properties();
    private final int port;
    private Server server;

    /**
     * Starts a broker presenting {@code ca.server("localhost")} (also valid for 127.0.0.1).
     *
     * @param dir the broker's folder (created when missing): key store and data
     * @param ca the CA that issues the server certificate and whose clients are accepted
     * @return the started broker
     * @throws Exception when it does not start within 10 s
     */
    public static MoquetteBroker start(Path dir, TestCa ca) throws Exception {
        return new MoquetteBroker(dir, ca, ca.server("localhost"));
    }

    /**
     * Starts a broker presenting {@code serverIdentity} and accepting clients of {@code ca}.
     *
     * @param dir the broker's folder (created when missing): key store and data
     * @param ca the CA of accepted clients
     * @param serverIdentity the server's key and chain
     * @throws Exception when it does not start within 10 s
     */
    public MoquetteBroker(Path dir, TestCa ca, TestCa.Issued serverIdentity) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve("moquette.p12");
        ca.writeKeyStore(serverIdentity, store);
        port = Ports.freePort();
        props.setProperty("host", "127.0.0.1");
        props.setProperty("port", "disabled");
        props.setProperty("ssl_port", Integer.toString(port));
        props.setProperty("jks_path", store.toString());
        props.setProperty("key_store_type", "pkcs12");
        props.setProperty("key_store_password", new String(TestCa.PASSWORD));
        props.setProperty("key_manager_password", new String(TestCa.PASSWORD));
        props.setProperty("need_client_auth", "true");
        props.setProperty("allow_anonymous", "true");
        props.setProperty("persistence_enabled", "false");
        props.setProperty("data_path", dir.resolve("data").toString());
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("netty.tcp_nodelay", "true");
        start();
    }

    /**
     * A loopback port that was free a moment ago (a dead port for offline tests).
     *
     * @return the port
     * @throws Exception when no socket can be bound
     */
    public static int freePort() throws Exception {
        return Ports.freePort();
    }

    /**
     * Starts the broker again on the same port after {@link #stop()}; no-op when running.
     *
     * @throws Exception when it does not listen within 10 s
     */
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        Server s = new Server();
        s.startServer(new MemoryConfig(props));
        server = s;
        if (!Ports.poll(Duration.ofSeconds(10), () -> Ports.listening(port))) {
            throw new AssertionError("timed out after PT10S waiting for: moquette listening on " + port);
        }
    }

    /** Stops the broker (an outage); {@link #start()} brings it back. */
    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    /** @return the TLS port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /**
     * Publishes from inside the broker (QoS 1, not retained) to whoever subscribed, bypassing any client-side check.
     *
     * @param topic the topic
     * @param payload the payload
     */
    public synchronized void inject(String topic, byte[] payload) {
        server.internalPublish(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                .payload(Unpooled.wrappedBuffer(payload)).retained(false).messageId(1).build(), "test-injector");
    }

    /**
     * Drops the connection of {@code clientId} as a broker would: the client sees its connection lost.
     *
     * @param clientId the MQTT client id
     * @return whether such a client was connected
     */
    public synchronized boolean disconnect(String clientId) {
        return server.disconnectClient(clientId);
    }

    @Override
    public void close() {
        stop();
    }
}
