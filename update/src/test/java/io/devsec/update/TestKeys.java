package io.devsec.update;

import io.devsec.update.internal.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** Test-only signing keys (signing code does not ship in the device library). */
final class TestKeys {
    static final SecureRandom RANDOM = new SecureRandom();

    record SigningKey(KeyAlgorithm algorithm, AsymmetricKeyParameter priv, VerificationKey pub) {
        byte[] sign(byte[] message) {
            if (algorithm == KeyAlgorithm.ED25519) {
                Ed25519Signer s = new Ed25519Signer();
                s.init(true, priv);
                s.update(message, 0, message.length);
                return s.generateSignature();
            }
            ECPrivateKeyParameters ec = (ECPrivateKeyParameters) priv;
            ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            s.init(true, ec);
            BigInteger[] rs = s.generateSignature(Sha256.digest(message));
            try {
                return StandardDSAEncoding.INSTANCE.encode(ec.getParameters().getN(), rs[0], rs[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String keyId() {
            return pub.keyId();
        }
    }

    private TestKeys() {
    }

    static SigningKey ed25519() {
        Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
        g.init(new Ed25519KeyGenerationParameters(RANDOM));
        return from(KeyAlgorithm.ED25519, g.generateKeyPair());
    }

    static SigningKey ed25519FromSeed(byte[] seed) {
        Ed25519PrivateKeyParameters p = new Ed25519PrivateKeyParameters(seed, 0);
        return from(KeyAlgorithm.ED25519, new AsymmetricCipherKeyPair(p.generatePublicKey(), p));
    }

    static SigningKey p256() {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, ECNamedCurveTable.getByName("P-256")), RANDOM));
        return from(KeyAlgorithm.ECDSA_P256, g.generateKeyPair());
    }

    private static SigningKey from(KeyAlgorithm alg, AsymmetricCipherKeyPair kp) {
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()).getEncoded("DER");
            return new SigningKey(alg, kp.getPrivate(), VerificationKey.fromSubjectPublicKeyInfo(spki));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsupportedKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An envelope of {@code payload} signed by each key in turn. */
    static byte[] envelope(String type, byte[] payload, SigningKey... keys) {
        byte[] pae = Envelope.preAuthenticationEncoding(type, payload);
        List<Envelope.Signature> sigs = new ArrayList<>();
        for (SigningKey k : keys) {
            sigs.add(Envelope.Signature.of(k.keyId(), k.sign(pae)));
        }
        return Envelope.of(type, payload, sigs).toJson();
    }

    static byte[] root(RootMetadata root, SigningKey... keys) {
        return envelope(Envelope.ROOT_PAYLOAD_TYPE, root.toPayload(), keys);
    }

    static byte[] update(UpdateMetadata md, SigningKey... keys) {
        return envelope(Envelope.UPDATE_PAYLOAD_TYPE, md.toPayload(), keys);
    }

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant NEXT_YEAR = Instant.parse("2027-06-01T00:00:00Z");
}
