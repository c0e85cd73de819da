package io.devsec.testkit;

import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The one test certificate authority of every module's tests, made with Bouncy Castle (EC P-256, SHA256withECDSA):
 * a root ({@link #create(String)}), intermediates ({@link #intermediate(String)}), and leaves with a chosen subject,
 * key, validity, key usage, extended key usage and subject alternative names ({@link #leaf(String)}), plus the
 * presets the tests use most (TLS {@link #server(String...)}, {@link #device(String)}, a CSR signed into a chain,
 * a CRL) and PEM / PKCS#12 output.
 *
 * <p>Defaults: the CA is valid from a day before its reference time to ten years after; a leaf from a day before
 * to a year after, with basic constraints {@code CA:false}, key usage {@code digitalSignature}, extended key
 * usage {@code clientAuth} and an authority key identifier. The reference time is {@link Instant#now()} unless
 * given to {@link #create(String, Instant)} (tests with a manual clock).
 */
public final class TestCa {
    /** The password of every key store this class writes. */
    public static final char[] PASSWORD = "test-store-pass".toCharArray();

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair (absent when the certificate is for a key held elsewhere) and its chain, leaf first. */
    public record Issued(KeyPair keyPair, List<X509Certificate> chain) {
        /**
         * The leaf's private key.
         *
         * @return the key
         * @throws IllegalStateException when the key was given by the caller and stayed there
         */
        public PrivateKey privateKey() {
            if (keyPair == null || keyPair.getPrivate() == null) {
                throw new IllegalStateException("issued for a public key held elsewhere: no private key here");
            }
            return keyPair.getPrivate();
        }

        /** @return the leaf certificate */
        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    /** This CA's certificate and those above it, this one first. */
    private final List<X509Certificate> caChain;
    private final Instant now;

    private TestCa(String name, KeyPair caKeys, List<X509Certificate> caChain, Instant now) {
        this.name = name;
        this.caKeys = caKeys;
        this.caCert = caChain.get(0);
        this.caChain = List.copyOf(caChain);
        this.now = now;
    }

    /**
     * A self-signed root CA named {@code CN=<cn>}, valid from a day ago for ten years.
     *
     * @param cn the common name
     * @return the CA
     * @throws Exception when Bouncy Castle fails
     */
    public static TestCa create(String cn) throws Exception {
        return create(cn, Instant.now());
    }

    /**
     * A root CA whose validity (and its leaves' default validity) is reckoned from {@code now}: for tests whose
     * device runs on a manual clock.
     *
     * @param cn the common name
     * @param now the reference time
     * @return the CA
     * @throws Exception when Bouncy Castle fails
     */
    public static TestCa create(String cn, Instant now) throws Exception {
        KeyPair kp = ecKeyPair();
        X500Principal subject = new X500Principal("CN=" + cn);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
        return new TestCa(cn, kp, List.of(sign(b, kp.getPrivate())), now);
    }

    /**
     * A CA from an existing certificate and key pair (a child JVM that read them from PEM files).
     *
     * @param caCert the CA certificate
     * @param caKeys its key pair
     * @return the CA
     */
    public static TestCa of(X509Certificate caCert, KeyPair caKeys) {
        return new TestCa(caCert.getSubjectX500Principal().getName(), caKeys, List.of(caCert), Instant.now());
    }

    /**
     * An intermediate CA signed by this one ({@code CA:true}, path length 0); its leaves' chains end with this CA.
     *
     * @param cn the intermediate's common name
     * @return the intermediate
     * @throws Exception when Bouncy Castle fails
     */
    public TestCa intermediate(String cn) throws Exception {
        KeyPair kp = ecKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1825))),
                new X500Principal("CN=" + cn), kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(sign(b, caKeys.getPrivate()));
        chain.addAll(caChain);
        return new TestCa(cn, kp, chain, now);
    }

    /**
     * A fresh EC P-256 key pair.
     *
     * @return the key pair
     * @throws Exception when the JDK has no EC
     */
    public static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    /**
     * A self-signed certificate {@code CN=<cn>} for {@code keys} without extensions (a key store entry that only
     * needs some certificate), valid from a minute ago for a year.
     *
     * @param keys the key pair
     * @param cn the common name
     * @return the certificate
     * @throws Exception when Bouncy Castle fails
     */
    public static X509Certificate selfSigned(KeyPair keys, String cn) throws Exception {
        return selfSigned(keys, cn, null);
    }

    /**
     * As {@link #selfSigned(KeyPair, String)}, signing with a given provider (a key inside a PKCS#11 token).
     *
     * @param keys the key pair
     * @param cn the common name
     * @param signingProvider the provider that holds the private key, or null for the default
     * @return the certificate
     * @throws Exception when signing fails
     */
    public static X509Certificate selfSigned(KeyPair keys, String cn, java.security.Provider signingProvider) throws Exception {
        Instant t = Instant.now();
        X500Principal subject = new X500Principal("CN=" + cn);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(t.minusSeconds(60)),
                Date.from(t.plus(Duration.ofDays(365))), subject, keys.getPublic());
        JcaContentSignerBuilder signer = new JcaContentSignerBuilder("SHA256withECDSA");
        if (signingProvider != null) {
            signer.setProvider(signingProvider);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(signer.build(keys.getPrivate())));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** @return this CA's certificate */
    public X509Certificate caCertificate() {
        return caCert;
    }

    /** @return this CA's certificate and those above it (an intermediate's root), this one first */
    public List<X509Certificate> caChain() {
        return caChain;
    }

    /** @return this CA's key pair */
    public KeyPair caKeyPair() {
        return caKeys;
    }

    /** @return the name given at creation */
    public String name() {
        return name;
    }

    /**
     * A leaf certificate to shape: subject {@code CN=<cn>}.
     *
     * @param cn the common name
     * @return the builder
     */
    public Leaf leaf(String cn) {
        return new Leaf(new X500Principal("CN=" + cn));
    }

    /**
     * A leaf certificate to shape, with a full subject name (RFC 2253, for example {@code CN=x,O=Acme}).
     *
     * @param subject the subject
     * @return the builder
     */
    public Leaf leaf(X500Principal subject) {
        return new Leaf(subject);
    }

    /**
     * A TLS server certificate for the given DNS names and 127.0.0.1 ({@code serverAuth}), valid now.
     *
     * @param dnsNames the DNS names
     * @return the key pair and chain
     * @throws Exception when Bouncy Castle fails
     */
    public Issued server(String... dnsNames) throws Exception {
        return leaf("server").server().dnsNames(dnsNames).ipAddresses("127.0.0.1").issue();
    }

    /**
     * A server certificate whose validity ended yesterday.
     *
     * @param dnsNames the DNS names
     * @return the key pair and chain
     * @throws Exception when Bouncy Castle fails
     */
    public Issued expiredServer(String... dnsNames) throws Exception {
        Instant t = Instant.now();
        return leaf("server").server().dnsNames(dnsNames).ipAddresses("127.0.0.1")
                .validity(t.minus(Duration.ofDays(30)), t.minus(Duration.ofDays(1))).issue();
    }

    /**
     * A device (TLS client) certificate with the device id as CN.
     *
     * @param deviceId the device id
     * @return the key pair and chain
     * @throws Exception when Bouncy Castle fails
     */
    public Issued device(String deviceId) throws Exception {
        return leaf(deviceId).issue();
    }

    /**
     * A device certificate with a chosen validity window.
     *
     * @param deviceId the device id
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the key pair and chain
     * @throws Exception when Bouncy Castle fails
     */
    public Issued device(String deviceId, Instant notBefore, Instant notAfter) throws Exception {
        return leaf(deviceId).validity(notBefore, notAfter).issue();
    }

    /**
     * A client certificate {@code CN=<cn>} for a key held elsewhere (a device's identity key).
     *
     * @param cn the common name
     * @param publicKey the subject's key
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the leaf certificate
     * @throws Exception when Bouncy Castle fails
     */
    public X509Certificate issue(String cn, PublicKey publicKey, Instant notBefore, Instant notAfter) throws Exception {
        return leaf(cn).publicKey(publicKey).validity(notBefore, notAfter).issue().certificate();
    }

    /**
     * Verifies a PKCS#10 CSR and issues a client certificate with its subject and key, valid from a day ago for
     * {@code validity}.
     *
     * @param csrDer the DER-encoded CSR
     * @param validity how long after now the certificate is valid
     * @return the chain, leaf first
     * @throws Exception when the CSR's signature is invalid or Bouncy Castle fails
     */
    public List<X509Certificate> signCsr(byte[] csrDer, Duration validity) throws Exception {
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(csrDer);
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
            throw new IllegalArgumentException("CSR signature invalid");
        }
        Instant t = Instant.now();
        return leaf(new X500Principal(csr.getSubject().getEncoded())).publicKey(key)
                .validity(t.minus(Duration.ofDays(1)), t.plus(validity)).issue().chain();
    }

    /**
     * A CRL signed by this CA revoking {@code revoked} (key compromise), current for a week.
     *
     * @param revoked the revoked certificates
     * @return the CRL
     * @throws Exception when Bouncy Castle fails
     */
    public X509CRL crl(X509Certificate... revoked) throws Exception {
        Instant t = Instant.now();
        X509v2CRLBuilder b = new JcaX509v2CRLBuilder(caCert, Date.from(t.minus(Duration.ofMinutes(5))));
        b.setNextUpdate(Date.from(t.plus(Duration.ofDays(7))));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), Date.from(t.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
        }
        b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(serial()));
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    /**
     * A PKCS#12 store (password {@link #PASSWORD}) holding {@code identity} as key entry {@code server} and
     * {@code trusted} as trusted entry {@code ca}.
     *
     * @param identity the key entry
     * @param trusted the trusted certificate
     * @return the store
     * @throws Exception when the JDK fails
     */
    public static KeyStore keyStore(Issued identity, X509Certificate trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.privateKey(), PASSWORD, identity.chain().toArray(new X509Certificate[0]));
        ks.setCertificateEntry("ca", trusted);
        return ks;
    }

    /**
     * Writes {@link #keyStore(Issued, X509Certificate)} with this CA as trusted entry to {@code file}.
     *
     * @param identity the key entry
     * @param file where to write
     * @return {@code file}
     * @throws Exception when writing fails
     */
    public Path writeKeyStore(Issued identity, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore(identity, caCert).store(out, PASSWORD);
        }
        return file;
    }

    /**
     * A JDK server context with this identity, trusting {@code clientCa} for client certificates.
     *
     * @param server the server's identity
     * @param clientCa the CA of accepted clients
     * @return the context
     * @throws Exception when the JDK fails
     */
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
     * A JDK server context that presents exactly {@code chain} (in that order, duplicates and strays included) and
     * signs with {@code key}: what a misbehaving or malicious server can send, which a key store would refuse to hold.
     *
     * @param key the server's private key
     * @param chain the certificates to present
     * @return the context
     * @throws Exception when the JDK fails
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

    /**
     * PEM of a certificate, CRL, public key or private key (a private key as unencrypted PKCS#8).
     *
     * @param o the object
     * @return its PEM text
     * @throws Exception when encoding fails
     */
    public static String pem(Object o) throws Exception {
        if (o instanceof PrivateKey k) {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(k.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    /**
     * Writes the objects' PEM, one after the other, to {@code file}.
     *
     * @param file where to write
     * @param objects certificates, keys or CRLs
     * @throws Exception when writing fails
     */
    public static void writePem(Path file, Object... objects) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Object o : objects) {
            sb.append(pem(o));
        }
        Files.writeString(file, sb.toString());
    }

    /** A leaf certificate being shaped; {@link #issue()} signs it with the CA. */
    public final class Leaf {
        private final X500Principal subject;
        private PublicKey publicKey;
        private Instant notBefore = now.minus(Duration.ofDays(1));
        private Instant notAfter = now.plus(Duration.ofDays(365));
        private boolean defaults = true;
        private int keyUsage = KeyUsage.digitalSignature;
        private KeyPurposeId[] extendedKeyUsage = {KeyPurposeId.id_kp_clientAuth};
        private final List<GeneralName> altNames = new ArrayList<>();
        private final List<Extension> extra = new ArrayList<>();

        private Leaf(X500Principal subject) {
            this.subject = subject;
        }

        /**
         * Certifies this key (held elsewhere: {@link Issued#privateKey()} then throws) instead of a fresh one.
         *
         * @param key the subject's public key
         * @return this builder
         */
        public Leaf publicKey(PublicKey key) {
            this.publicKey = key;
            return this;
        }

        /**
         * The validity window.
         *
         * @param from not before
         * @param to not after
         * @return this builder
         */
        public Leaf validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        /**
         * The key usage bits ({@link KeyUsage} constants), replacing {@code digitalSignature}.
         *
         * @param bits the bits
         * @return this builder
         */
        public Leaf keyUsage(int bits) {
            this.keyUsage = bits;
            return this;
        }

        /**
         * The extended key usages, replacing {@code clientAuth}; none leaves the extension out.
         *
         * @param purposes the purposes
         * @return this builder
         */
        public Leaf extendedKeyUsage(KeyPurposeId... purposes) {
            this.extendedKeyUsage = purposes.clone();
            return this;
        }

        /**
         * A TLS server certificate: extended key usage {@code serverAuth}.
         *
         * @return this builder
         */
        public Leaf server() {
            return extendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
        }

        /**
         * DNS subject alternative names.
         *
         * @param names the names
         * @return this builder
         */
        public Leaf dnsNames(String... names) {
            for (String n : names) {
                altNames.add(new GeneralName(GeneralName.dNSName, n));
            }
            return this;
        }

        /**
         * IP address subject alternative names.
         *
         * @param addresses the addresses
         * @return this builder
         */
        public Leaf ipAddresses(String... addresses) {
            for (String a : addresses) {
                altNames.add(new GeneralName(GeneralName.iPAddress, a));
            }
            return this;
        }

        /**
         * No default extensions (basic constraints, key usage, extended key usage, authority key identifier): only
         * the subject alternative names and the {@link #extension(Extension) extensions} given.
         *
         * @return this builder
         */
        public Leaf noDefaultExtensions() {
            this.defaults = false;
            return this;
        }

        /**
         * An extra extension, exactly as given (a usage the defaults do not express, a critical flag).
         *
         * @param extension the extension
         * @return this builder
         */
        public Leaf extension(Extension extension) {
            extra.add(extension);
            return this;
        }

        /**
         * Signs the leaf with the CA.
         *
         * @return the key pair (with no private key when {@link #publicKey(PublicKey)} was given) and the chain:
         *     the leaf, then the CA's chain
         * @throws Exception when Bouncy Castle fails
         */
        public Issued issue() throws Exception {
            KeyPair kp = publicKey == null ? ecKeyPair() : new KeyPair(publicKey, null);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, kp.getPublic());
            if (defaults) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                if (extendedKeyUsage.length > 0) {
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extendedKeyUsage));
                }
                b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
            }
            if (!altNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(new GeneralName[0])));
            }
            for (Extension e : extra) {
                b.addExtension(e);
            }
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(sign(b, caKeys.getPrivate()));
            chain.addAll(caChain);
            return new Issued(kp, List.copyOf(chain));
        }
    }
}
