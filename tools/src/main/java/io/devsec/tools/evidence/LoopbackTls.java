package io.devsec.tools.evidence;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities, server certificates and one-shot TLS servers on the loopback interface, for the
 * 5.5-1 case: each server accepts one connection, completes (or fails) one handshake and closes.
 */
final class LoopbackTls {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key pair and its certificate. */
    static final class Issued {
        final KeyPair keys;
        final X509Certificate cert;
        final X509Certificate issuer;

        Issued(KeyPair keys, X509Certificate cert, X509Certificate issuer) {
            this.keys = keys;
            this.cert = cert;
            this.issuer = issuer;
        }
    }

    private LoopbackTls() {
    }

    static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    static Issued ca(String name) throws Exception {
        KeyPair k = ecKey();
        X500Name n = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, new BigInteger(64, RANDOM),
                Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86400)), n, k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate c = sign(b, k.getPrivate());
        return new Issued(k, c, c);
    }

    static Issued server(Issued ca, String dnsName) throws Exception {
        KeyPair k = ecKey();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert, new BigInteger(64, RANDOM),
                Date.from(Instant.now().minusSeconds(3600)), Date.from(Instant.now().plusSeconds(86400)),
                new X500Name("CN=" + dnsName), k.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(k, sign(b, ca.keys.getPrivate()), ca.cert);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** A server on 127.0.0.1 that handshakes once with these protocols and suites. */
    static final class Server implements AutoCloseable {
        private final SSLServerSocket socket;
        private final CompletableFuture<String> result = new CompletableFuture<>();

        Server(Issued leaf, String[] protocols, String[] suites) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "loopback".toCharArray();
            ks.setKeyEntry("server", leaf.keys.getPrivate(), pw, new X509Certificate[] {leaf.cert, leaf.issuer});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, RANDOM);
            socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1,
                    InetAddress.getByName("127.0.0.1"));
            socket.setEnabledProtocols(protocols);
            if (suites != null) {
                socket.setEnabledCipherSuites(suites);
            }
            socket.setSoTimeout(15_000);
            Thread t = new Thread(this::serveOnce, "evidence-tls-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serveOnce() {
            try (SSLSocket s = (SSLSocket) socket.accept()) {
                s.setSoTimeout(15_000);
                s.startHandshake();
                result.complete("handshake completed: " + s.getSession().getProtocol() + " "
                        + s.getSession().getCipherSuite());
            } catch (Exception e) {
                result.complete("server saw: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        /** What the server saw, waiting for its handshake to end. */
        String serverView() {
            try {
                return result.get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "server did not finish: " + e;
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
