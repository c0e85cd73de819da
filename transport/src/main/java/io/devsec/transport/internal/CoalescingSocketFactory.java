package io.devsec.transport.internal;

import io.devsec.transport.InboundPacketTooLargeException;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Makes the sockets of another factory {@link CoalescingSslSocket}s: coalesced writes (unless the
 * delay is zero) and, when a limit is given, inbound MQTT packets refused above it from their
 * fixed header.
 */
public final class CoalescingSocketFactory extends DecoratingSocketFactory {
    private final long maxDelayNanos;
    private final long maxInboundRemainingLength;
    private final Consumer<InboundPacketTooLargeException> onTooLarge;
    private volatile SSLSocket last;

    public CoalescingSocketFactory(SSLSocketFactory delegate, long maxDelayNanos) {
        this(delegate, maxDelayNanos, -1, e -> { });
    }

    /**
     * @param delegate the TLS socket factory
     * @param maxDelayNanos the write coalescing delay; 0 writes through
     * @param maxInboundRemainingLength the largest inbound MQTT remaining length; negative for no limit
     * @param onTooLarge told of a refused inbound packet (on the MQTT client's receiving thread)
     */
    public CoalescingSocketFactory(SSLSocketFactory delegate, long maxDelayNanos, long maxInboundRemainingLength,
            Consumer<InboundPacketTooLargeException> onTooLarge) {
        super(delegate);
        this.maxDelayNanos = maxDelayNanos;
        this.maxInboundRemainingLength = maxInboundRemainingLength;
        this.onTooLarge = onTooLarge;
    }

    @Override
    Socket decorate(Socket socket) {
        SSLSocket s = (SSLSocket) socket;
        last = s;
        return new CoalescingSslSocket(s, maxDelayNanos, maxInboundRemainingLength, onTooLarge);
    }

    /** The TLS socket this factory made last (the MQTT client makes one factory per connection), or null. */
    public SSLSocket lastSocket() {
        return last;
    }
}
