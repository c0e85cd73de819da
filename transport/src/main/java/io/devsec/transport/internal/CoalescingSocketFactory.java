package io.devsec.transport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Makes the sockets of another factory {@link CoalescingSslSocket}s. */
public final class CoalescingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final long maxDelayNanos;

    public CoalescingSocketFactory(SSLSocketFactory delegate, long maxDelayNanos) {
        this.delegate = delegate;
        this.maxDelayNanos = maxDelayNanos;
    }

    private Socket wrap(Socket s) {
        return new CoalescingSslSocket((SSLSocket) s, maxDelayNanos);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return wrap(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return wrap(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return wrap(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return wrap(delegate.createSocket(address, port, localAddress, localPort));
    }
}
