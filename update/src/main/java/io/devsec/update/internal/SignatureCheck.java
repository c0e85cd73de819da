package io.devsec.update.internal;

import io.devsec.update.KeyAlgorithm;
import io.devsec.update.UnsupportedKeyException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Signature verification with Bouncy Castle's lightweight signers (7-14x faster than SunEC here).
 * Ed25519 verifies the message itself; ECDSA P-256 verifies the JDK SHA-256 of the message against
 * a strictly decoded DER signature.
 */
public final class SignatureCheck {
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");
    private SignatureCheck() {
    }

    /** A parsed public key. */
    public static final class Parsed {
        public final KeyAlgorithm algorithm;
        public final AsymmetricKeyParameter parameters;

        Parsed(KeyAlgorithm algorithm, AsymmetricKeyParameter parameters) {
            this.algorithm = algorithm;
            this.parameters = parameters;
        }
    }

    public static Parsed parsePublicKey(byte[] der) throws UnsupportedKeyException {
        SubjectPublicKeyInfo spki;
        try {
            spki = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
            if (spki == null || !Arrays.equals(spki.getEncoded(ASN1Encoding.DER), der)) {
                throw new UnsupportedKeyException("public key is not canonical DER SubjectPublicKeyInfo");
            }
        } catch (IOException | RuntimeException e) {
            throw new UnsupportedKeyException("public key is not a DER SubjectPublicKeyInfo", e);
        }
        AlgorithmIdentifier alg = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        try {
            if (ID_ED25519.equals(oid)) {
                if (alg.getParameters() != null) {
                    throw new UnsupportedKeyException("Ed25519 key must have no algorithm parameters");
                }
                return new Parsed(KeyAlgorithm.ED25519, PublicKeyFactory.createKey(spki));
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
                if (!SECObjectIdentifiers.secp256r1.equals(alg.getParameters())) {
                    throw new UnsupportedKeyException("EC key must name the P-256 curve (prime256v1)");
                }
                AsymmetricKeyParameter p = PublicKeyFactory.createKey(spki);
                if (!(p instanceof ECPublicKeyParameters)) {
                    throw new UnsupportedKeyException("not an EC public key");
                }
                return new Parsed(KeyAlgorithm.ECDSA_P256, p);
            }
        } catch (IOException | RuntimeException e) {
            throw new UnsupportedKeyException("public key is not a valid " + oid + " key", e);
        }
        throw new UnsupportedKeyException("key algorithm " + oid + " is neither Ed25519 nor EC P-256");
    }

    public static boolean verify(KeyAlgorithm algorithm, AsymmetricKeyParameter key, byte[] message, byte[] sig) {
        try {
            switch (algorithm) {
                case ED25519: {
                    if (sig.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
                        return false;
                    }
                    Ed25519Signer signer = new Ed25519Signer();
                    signer.init(false, key);
                    signer.update(message, 0, message.length);
                    return signer.verifySignature(sig);
                }
                case ECDSA_P256: {
                    ECPublicKeyParameters ec = (ECPublicKeyParameters) key;
                    BigInteger n = ec.getParameters().getN();
                    BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(n, sig);
                    ECDSASigner signer = new ECDSASigner();
                    signer.init(false, ec);
                    return signer.verifySignature(Sha256.digest(message), rs[0], rs[1]);
                }
                default:
                    return false;
            }
        } catch (IOException | RuntimeException e) {
            // Malformed DER or out-of-range values: not a valid signature.
            return false;
        }
    }
}
