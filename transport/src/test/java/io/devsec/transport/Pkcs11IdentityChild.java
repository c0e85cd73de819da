package io.devsec.transport;

import io.devsec.testkit.Pem;
import io.devsec.testkit.TestCa;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * Child JVM (SOFTHSM2_CONF set by the parent): generates the device key inside a SoftHSM token,
 * gets it certified by the test CA, and connects with mutual TLS using that key, which never
 * leaves the token. Prints "KEY-EXTRACTABLE false" and "READ 75" ('K') on success.
 * Args: dir (ca.pem, ca.key, pkcs11.cfg), port, pin.
 */
public final class Pkcs11IdentityChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        char[] pin = args[2].toCharArray();
        Provider p = Security.getProvider("SunPKCS11").configure(dir.resolve("pkcs11.cfg").toString());
        Security.addProvider(p);
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, pin);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        PrivateKey tokenKey = kp.getPrivate();
        System.out.println("KEY-EXTRACTABLE " + (tokenKey.getEncoded() != null));
        X509Certificate caCert = Pem.certificates(dir.resolve("ca.pem")).get(0);
        PublicKey caPub = caCert.getPublicKey();
        TestCa ca = TestCa.of(caCert, new KeyPair(caPub, Pem.ecPrivateKey(dir.resolve("ca.key"))));
        List<X509Certificate> chain = ca.leaf("hsm-device").publicKey(kp.getPublic()).issue().chain();
        DeviceTlsContext ctx = DeviceTlsContext.create(TlsIdentity.of(tokenKey, chain), TrustAnchors.of(List.of(caCert)),
                TlsSettings.MODERN);
        try (SSLSocket s = ctx.connect("localhost", port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            System.out.println("READ " + in.read());
            System.out.println("PROTOCOL " + s.getSession().getProtocol());
        }
        System.out.flush();
    }

}
