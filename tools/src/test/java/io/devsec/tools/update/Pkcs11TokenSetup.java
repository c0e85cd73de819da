package io.devsec.tools.update;

import io.devsec.testkit.TestCa;
import io.devsec.update.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

/**
 * Child JVM for the PKCS#11 test (SOFTHSM2_CONF must be set before the library loads): generates an EC
 * P-256 key pair inside the token, stores it with a self-signed certificate under an alias (SunPKCS11
 * lists private keys only with a certificate), writes its public key PEM, and says whether the
 * provider offers Ed25519.
 * Arguments: pkcs11.cfg, PIN, alias, public key output file.
 */
public final class Pkcs11TokenSetup {
    public static void main(String[] args) throws Exception {
        Provider p = Security.getProvider("SunPKCS11").configure(args[0]);
        char[] pin = args[1].toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, pin);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X509Certificate cert = TestCa.selfSigned(kp, "devsec test signing key", p);
        ks.setKeyEntry(args[2], kp.getPrivate(), null, new Certificate[] {cert});
        Files.writeString(Path.of(args[3]), VerificationKey.fromSubjectPublicKeyInfo(kp.getPublic().getEncoded()).toPem());
        System.out.println("ED25519-SIGNATURE " + (p.getService("Signature", "Ed25519") != null));
        System.out.println("ED25519-KEYGEN " + (p.getService("KeyPairGenerator", "Ed25519") != null));
        System.out.println("SETUP OK");
    }
}
