package io.devsec.testkit;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reading the PEM files {@link TestCa#writePem(Path, Object...)} writes (for child JVMs). */
public final class Pem {
    private Pem() {
    }

    /**
     * An unencrypted PKCS#8 EC private key.
     *
     * @param file the PEM file
     * @return the key
     * @throws Exception when the file cannot be read or parsed
     */
    public static PrivateKey ecPrivateKey(Path file) throws Exception {
        String s = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(s)));
    }

    /**
     * Every certificate in the file, in order.
     *
     * @param file the PEM file
     * @return the certificates
     * @throws Exception when the file cannot be read or parsed
     */
    public static List<X509Certificate> certificates(Path file) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }
}
