package io.devsec.transport.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made in the test with Bouncy Castle: a CA, servers and devices, valid or broken on purpose. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    public static final char[] PASSWORD = "test-store-pass".toCharArray();

    /** A key pair and its chain (leaf first). */
    public record Issued(KeyPair keyPair, List<X509Certificate> chain) {
        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private TestPki(String name, KeyPair caKeys, X509Certificate caCert) {
        this.name = name;
        this.caKeys = caKeys;
        this.caCert = caCert;
    }

    public static TestPki create(String caName) throws Exception {
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + caName);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate cert = sign(b, kp.getPrivate());
        return new TestPki(caName, kp, cert);
    }

    public static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** A CA from an existing certificate and key pair (for child JVMs). */
    public static TestPki of(X509Certificate caCert, KeyPair caKeys) {
        return new TestPki(caCert.getSubjectX500Principal().getName(), caKeys, caCert);
    }

    public KeyPair caKeyPair() {
        return caKeys;
    }

    /** A device certificate chain for a public key held elsewhere (a PKCS#11 token). */
    public List<X509Certificate> deviceChainFor(java.security.PublicKey publicKey, String cn) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new javax.security.auth.x500.X500Principal("CN=" + cn), publicKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return List.of(sign(b, caKeys.getPrivate()), caCert);
    }

    public X509Certificate caCertificate() {
        return caCert;
    }

    public String name() {
        return name;
    }

    /** A TLS server certificate for the given DNS names (and 127.0.0.1), valid now. */
    public Issued server(String... dnsNames) throws Exception {
        Instant now = Instant.now();
        return issue("server", dnsNames, true, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A server certificate whose validity ended yesterday. */
    public Issued expiredServer(String... dnsNames) throws Exception {
        Instant now = Instant.now();
        return issue("server", dnsNames, true, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    /** A device (TLS client) certificate with the device id as CN. */
    public Issued device(String deviceId) throws Exception {
        Instant now = Instant.now();
        return issue(deviceId, new String[0], false, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A device certificate with a chosen validity window. */
    public Issued device(String deviceId, Instant notBefore, Instant notAfter) throws Exception {
        return issue(deviceId, new String[0], false, notBefore, notAfter);
    }

    private Issued issue(String cn, String[] dns, boolean server, Instant from, Instant to) throws Exception {
        KeyPair kp = ecKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(from), Date.from(to),
                new javax.security.auth.x500.X500Principal("CN=" + cn), kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        if (server) {
            List<GeneralName> names = new ArrayList<>();
            for (String d : dns) {
                names.add(new GeneralName(GeneralName.dNSName, d));
            }
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        return new Issued(kp, List.of(sign(b, caKeys.getPrivate()), caCert));
    }

    /** A JDK server context with this identity, trusting {@code clientCa} for client certificates. */
    public static SSLContext serverContext(Issued server, X509Certificate clientCa) throws Exception {
        KeyStore ks = keyStore(server, clientCa);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", clientCa);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /**
     * A JDK server context that presents exactly {@code chain} (in that order, duplicates and strays
     * included) and signs with {@code key}: what a misbehaving or malicious server can send, which a key
     * store would refuse to hold.
     */
    public static SSLContext presentingContext(PrivateKey key, X509Certificate... chain) throws Exception {
        X509Certificate[] presented = chain.clone();
        javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"server"};
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return keyType.startsWith("EC") ? "server" : null;
            }

            @Override
            public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return keyType.startsWith("EC") ? "server" : null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return presented.clone();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return key;
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {km}, null, new SecureRandom());
        return ctx;
    }

    /** A CRL signed by this CA revoking {@code revoked} (key compromise), current for a week. */
    public java.security.cert.X509CRL crl(X509Certificate... revoked) throws Exception {
        Instant now = Instant.now();
        org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(caCert,
                Date.from(now.minus(Duration.ofMinutes(5))));
        b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))),
                    org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        }
        b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
        b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(serial()));
        return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    /** A PKCS#12/JKS store holding the key entry and {@code trusted} as a trusted certificate. */
    public static KeyStore keyStore(Issued identity, X509Certificate trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.privateKey(), PASSWORD, identity.chain().toArray(new X509Certificate[0]));
        ks.setCertificateEntry("ca", trusted);
        return ks;
    }

    public static String pem(Object o) throws Exception {
        if (o instanceof PrivateKey k) {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    public static void writePem(Path file, Object... objects) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Object o : objects) {
            sb.append(pem(o));
        }
        Files.writeString(file, sb.toString());
    }
}
