package io.devsec.transport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** An {@link SSLSocketFactory} that passes every socket another factory makes through {@link #decorate}. */
abstract class DecoratingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    DecoratingSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** What to do with each new socket (a TLS socket of the delegate's). */
    abstract Socket decorate(Socket socket) throws IOException;

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
        return decorate(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return decorate(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return decorate(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return decorate(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return decorate(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return decorate(delegate.createSocket(address, port, localAddress, localPort));
    }
}
