package io.devsec.transport;

import io.devsec.testkit.Pem;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.spec.SecretKeySpec;

/**
 * Child JVM (run with a small heap) for the oversized-packet test: a device subscribed to
 * {@code devices/<id>/cmd/#} that prints "CONNECTED", "EVENT type exception", "MSG size text"
 * (the text only for small messages) and "OOM" from any thread that dies of an OutOfMemoryError.
 * Args: dir (device.key, device.pem, ca.pem, outbox/), host, port, deviceId, protocol.
 */
public final class OversizedInboundChild {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                out.println("OOM " + t.getName());
            }
        });
        Path dir = Path.of(args[0]);
        String id = args[3];
        DeviceTlsContext tls = DeviceTlsContext.create(
                TlsIdentity.of(Pem.ecPrivateKey(dir.resolve("device.key")), Pem.certificates(dir.resolve("device.pem"))),
                TrustAnchors.fromPem(dir.resolve("ca.pem")), TlsSettings.MODERN);
        TransportEventListener l = new TransportEventListener() {
            @Override
            public void connectionStateChanged(ConnectionState state) {
                if (state == ConnectionState.CONNECTED) {
                    out.println("CONNECTED");
                }
            }

            @Override
            public void securityEvent(TransportSecurityEvent event) {
                out.println("EVENT " + event.type() + " " + event.cause().map(c -> c.getClass().getSimpleName()).orElse("-"));
            }
        };
        DeviceMqttClient c = DeviceMqttClient.builder().broker(args[1], Integer.parseInt(args[2])).deviceId(id).tls(tls)
                .protocol(MqttProtocol.valueOf(args[4])).listener(l)
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(300))
                        .firstConnectJitter(Duration.ZERO).build())
                .outbox(OutboxSettings.of(dir.resolve("outbox"), OutboxKey.of(new SecretKeySpec(new byte[32], "AES")))).build();
        c.subscribe("devices/" + id + "/cmd/#", Qos.AT_LEAST_ONCE, m -> out.println("MSG " + m.payload().length + " "
                + (m.payload().length <= 64 ? new String(m.payload(), StandardCharsets.UTF_8) : "")));
        c.start();
        while (true) {
            LockSupport.park();
        }
    }
}
