package io.devsec.transport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Applies DevSec's protocols, suites and HTTPS host name identification to every socket it makes. */
public final class EnforcingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String[] protocols;
    private final String[] suites;

    public EnforcingSocketFactory(SSLSocketFactory delegate, String[] protocols, String[] suites) {
        this.delegate = delegate;
        this.protocols = protocols.clone();
        this.suites = suites.clone();
    }

    /** Configures a socket made by this factory's context. */
    public SSLSocket configure(Socket socket) {
        SSLSocket s = (SSLSocket) socket;
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(protocols.clone());
        p.setCipherSuites(suites.clone());
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setUseCipherSuitesOrder(true);
        s.setSSLParameters(p);
        try {
            // MQTT sends small packets and waits for acknowledgements: no Nagle delay
            s.setTcpNoDelay(true);
        } catch (java.net.SocketException e) {
            // a socket that does not support the option still works, only slower
        }
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return suites.clone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return suites.clone();
    }

    @Override
    public Socket createSocket() throws IOException {
        return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }
}
