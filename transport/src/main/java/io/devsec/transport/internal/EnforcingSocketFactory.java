package io.devsec.transport.internal;

import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Applies DevSec's protocols, suites and HTTPS host name identification to every socket it makes. */
public final class EnforcingSocketFactory extends DecoratingSocketFactory {
    private final String[] protocols;
    private final String[] suites;

    public EnforcingSocketFactory(SSLSocketFactory delegate, String[] protocols, String[] suites) {
        super(delegate);
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
    Socket decorate(Socket socket) {
        return configure(socket);
    }
}
