package io.devsec.transport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A real JSSE server on loopback: handshakes, writes one byte 'K', then echoes until the client leaves. */
public final class TestTlsServer implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread thread;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();

    public TestTlsServer(SSLContext ctx, boolean needClientAuth, String... protocols) throws IOException {
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(needClientAuth);
        if (protocols.length > 0) {
            server.setEnabledProtocols(protocols);
        }
        thread = new Thread(this::serve, "test-tls-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> handle((SSLSocket) s), "test-tls-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void handle(SSLSocket s) {
        try (s) {
            s.startHandshake();
            handshakes.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write('K');
            out.flush();
            InputStream in = s.getInputStream();
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
                out.flush();
            }
        } catch (IOException e) {
            failures.add(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Handshakes the server completed. */
    public int handshakes() {
        return handshakes.get();
    }

    public List<Throwable> failures() {
        return failures;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
