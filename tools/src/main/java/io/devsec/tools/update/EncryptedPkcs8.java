package io.devsec.tools.update;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Passphrase-encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, RFC 5958 / PKCS#5 PBES2), as openssl
 * writes and reads it. Writes scrypt (N=2^14, r=8, p=8: 16 MiB, the most openssl accepts, and
 * about half a second; RFC 7914) with AES-256-CBC; reads PBES2 with scrypt or PBKDF2 (HMAC-SHA-1/256/512) and AES-128/192/256-CBC, which
 * covers {@code openssl genpkey -aes256} and {@code openssl pkcs8 -topk8 -scrypt}. Key derivation uses
 * Bouncy Castle's lightweight classes, the cipher the JDK's AES.
 */
final class EncryptedPkcs8 {
    // openssl refuses scrypt above 32 MiB (N=2^15 with r=8 already exceeds it): N=2^14, r=8 takes 16 MiB,
    // and p=8 multiplies the work (not the memory) by 8.
    static final int SCRYPT_LOG_N = 14;
    static final int SCRYPT_R = 8;
    static final int SCRYPT_P = 8;
    /** Refuse to derive with parameters beyond this much memory (128 * r * N bytes): 1 GiB. */
    private static final long MAX_SCRYPT_MEMORY = 1L << 30;
    private static final int MAX_PBKDF2_ITERATIONS = 10_000_000;

    private EncryptedPkcs8() {
    }

    /** Encrypts a DER PrivateKeyInfo under the passphrase; returns DER EncryptedPrivateKeyInfo. */
    static byte[] encrypt(byte[] pkcs8, char[] passphrase, SecureRandom random) throws IOException {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        byte[] pass = utf8(passphrase);
        byte[] key = SCrypt.generate(pass, salt, 1 << SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32);
        Arrays.fill(pass, (byte) 0);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            byte[] ct = c.doFinal(pkcs8);
            KeyDerivationFunc kdf = new KeyDerivationFunc(MiscObjectIdentifiers.id_scrypt,
                    new ScryptParams(salt, 1 << SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32));
            EncryptionScheme scheme = new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv));
            AlgorithmIdentifier alg = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                    new PBES2Parameters(kdf, scheme));
            return new EncryptedPrivateKeyInfo(alg, ct).getEncoded("DER");
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-256-CBC unavailable: " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Decrypts a DER EncryptedPrivateKeyInfo; returns the DER PrivateKeyInfo (the caller wipes it).
     *
     * @throws WrongPassphraseException when the passphrase does not open it
     * @throws IOException when it is not a supported encrypted key
     */
    static byte[] decrypt(byte[] der, char[] passphrase) throws IOException {
        EncryptedPrivateKeyInfo info;
        PBES2Parameters pbes2;
        try {
            info = EncryptedPrivateKeyInfo.getInstance(der);
            AlgorithmIdentifier alg = info.getEncryptionAlgorithm();
            if (!PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
                throw new IOException("encrypted with " + alg.getAlgorithm() + ", not PBES2 (re-encrypt with openssl"
                        + " pkcs8 -topk8 -v2 aes-256-cbc)");
            }
            pbes2 = PBES2Parameters.getInstance(alg.getParameters());
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new IOException("not an encrypted PKCS#8 key: " + e.getMessage());
        }
        ASN1ObjectIdentifier enc = pbes2.getEncryptionScheme().getAlgorithm();
        int keyLen;
        if (NISTObjectIdentifiers.id_aes256_CBC.equals(enc)) {
            keyLen = 32;
        } else if (NISTObjectIdentifiers.id_aes192_CBC.equals(enc)) {
            keyLen = 24;
        } else if (NISTObjectIdentifiers.id_aes128_CBC.equals(enc)) {
            keyLen = 16;
        } else {
            throw new IOException("unsupported cipher " + enc + " (AES-CBC only)");
        }
        byte[] iv = ASN1OctetString.getInstance(pbes2.getEncryptionScheme().getParameters()).getOctets();
        byte[] pass = utf8(passphrase);
        byte[] key;
        try {
            key = deriveKey(pbes2.getKeyDerivationFunc(), pass, keyLen);
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c.doFinal(info.getEncryptedData());
        } catch (BadPaddingException e) {
            throw new WrongPassphraseException();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt: " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] deriveKey(KeyDerivationFunc kdf, byte[] pass, int keyLen) throws IOException {
        if (MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
            ScryptParams p = ScryptParams.getInstance(kdf.getParameters());
            long n = p.getCostParameter().longValueExact();
            long r = p.getBlockSize().longValueExact();
            long par = p.getParallelizationParameter().longValueExact();
            if (n < 2 || n > (1L << 24) || r < 1 || r > 64 || par < 1 || par > 16 || 128L * r * n > MAX_SCRYPT_MEMORY) {
                throw new IOException("scrypt parameters out of range (N=" + n + ", r=" + r + ", p=" + par + ")");
            }
            return SCrypt.generate(pass, p.getSalt(), (int) n, (int) r, (int) par, keyLen);
        }
        if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
            PBKDF2Params p = PBKDF2Params.getInstance(kdf.getParameters());
            int iterations = p.getIterationCount().intValueExact();
            if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
                throw new IOException("PBKDF2 iteration count out of range: " + iterations);
            }
            ASN1ObjectIdentifier prf = p.getPrf().getAlgorithm();
            Digest digest;
            if (PKCSObjectIdentifiers.id_hmacWithSHA256.equals(prf)) {
                digest = new SHA256Digest();
            } else if (PKCSObjectIdentifiers.id_hmacWithSHA512.equals(prf)) {
                digest = new SHA512Digest();
            } else if (PKCSObjectIdentifiers.id_hmacWithSHA1.equals(prf)) {
                digest = new SHA1Digest();
            } else {
                throw new IOException("unsupported PBKDF2 PRF " + prf);
            }
            PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(digest);
            g.init(pass, p.getSalt(), iterations);
            return ((KeyParameter) g.generateDerivedParameters(keyLen * 8)).getKey();
        }
        throw new IOException("unsupported key derivation " + kdf.getAlgorithm() + " (scrypt or PBKDF2 only)");
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }

    /** The passphrase does not open the key (CBC padding check failed). */
    static final class WrongPassphraseException extends IOException {
        private static final long serialVersionUID = 1L;

        WrongPassphraseException() {
            super("wrong passphrase (or a damaged key file)");
        }
    }
}
