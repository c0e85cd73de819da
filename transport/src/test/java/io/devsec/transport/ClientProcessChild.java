package io.devsec.transport;

import io.devsec.testkit.Pem;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.spec.SecretKeySpec;

/**
 * Child JVM for the client-restart test: a device that publishes {@code count} QoS 1 messages,
 * printing "QUEUED i" after each publish returns, then idles until killed.
 * Args: dir (device.key, device.pem, ca.pem, outbox.key, outbox/), host, port, deviceId, protocol, count.
 */
public final class ClientProcessChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String id = args[3];
        MqttProtocol protocol = MqttProtocol.valueOf(args[4]);
        int count = Integer.parseInt(args[5]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        DeviceTlsContext tls = DeviceTlsContext.create(
                TlsIdentity.of(Pem.ecPrivateKey(dir.resolve("device.key")), Pem.certificates(dir.resolve("device.pem"))),
                TrustAnchors.fromPem(dir.resolve("ca.pem")), TlsSettings.MODERN);
        OutboxKey key = OutboxKey.of(new SecretKeySpec(HexFormat.of().parseHex(Files.readString(dir.resolve("outbox.key")).trim()), "AES"));
        DeviceMqttClient c = DeviceMqttClient.builder().broker(host, port).deviceId(id).tls(tls).protocol(protocol)
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(300))
                        .firstConnectJitter(Duration.ZERO).build())
                .outbox(OutboxSettings.of(dir.resolve("outbox"), key)).build();
        c.start();
        for (int i = 0; i < count; i++) {
            c.publish("devices/" + id + "/restart", ("p" + i).getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE);
            out.println("QUEUED " + i);
        }
        out.println("DONE");
        while (true) {
            LockSupport.park();
        }
    }
}
