package io.devsec.transport.internal;

import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/** What a session needs to connect. */
public final class SessionSettings {
    public final String serverUri;
    public final String clientId;
    public final SSLSocketFactory socketFactory;
    public final Duration keepAlive;
    public final Duration connectTimeout;
    public final int maxInflight;
    /** The largest whole inbound packet (fixed header included) announced to an MQTT 5 broker; 0 for none. */
    public final long maxInboundPacketBytes;

    public SessionSettings(String serverUri, String clientId, SSLSocketFactory socketFactory, Duration keepAlive,
            Duration connectTimeout, int maxInflight, long maxInboundPacketBytes) {
        this.serverUri = serverUri;
        this.clientId = clientId;
        this.socketFactory = socketFactory;
        this.keepAlive = keepAlive;
        this.connectTimeout = connectTimeout;
        this.maxInflight = maxInflight;
        this.maxInboundPacketBytes = maxInboundPacketBytes;
    }

    int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }
}
