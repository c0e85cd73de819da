package io.devsec.transport.internal;

import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Makes the sockets of another factory {@link CoalescingSslSocket}s. */
public final class CoalescingSocketFactory extends DecoratingSocketFactory {
    private final long maxDelayNanos;

    public CoalescingSocketFactory(SSLSocketFactory delegate, long maxDelayNanos) {
        super(delegate);
        this.maxDelayNanos = maxDelayNanos;
    }

    @Override
    Socket decorate(Socket socket) {
        return new CoalescingSslSocket((SSLSocket) socket, maxDelayNanos);
    }
}
