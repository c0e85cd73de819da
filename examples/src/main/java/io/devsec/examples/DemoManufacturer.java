package io.devsec.examples;

import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UnsupportedKeyException;
import io.devsec.update.VerificationKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
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

/**
 * The manufacturer's side of signed updates, as {@code devsec keygen}, {@code devsec root create} and
 * {@code devsec sign} do it: an Ed25519 root key, an ECDSA P-256 update key, a signed root and signed update
 * metadata (DSSE envelopes). Signing code never ships on a device (provision 4.6); it lives in the demo only
 * because the demo plays the manufacturer too.
 */
final class DemoManufacturer {
    static final String HARDWARE_ID = "acme-smart-plug-rev3";

    private final SecureRandom random = new SecureRandom();
    private final Key rootKey = generate(KeyAlgorithm.ED25519);
    private final Key updateKey = generate(KeyAlgorithm.ECDSA_P256);

    /** A private key (Bouncy Castle lightweight) and its public verification key. */
    private static final class Key {
        final AsymmetricKeyParameter privateKey;
        final VerificationKey publicKey;

        Key(AsymmetricKeyParameter privateKey, VerificationKey publicKey) {
            this.privateKey = privateKey;
            this.publicKey = publicKey;
        }

        Envelope.Signature sign(String payloadType, byte[] payload) {
            byte[] message = Envelope.preAuthenticationEncoding(payloadType, payload);
            byte[] sig;
            if (privateKey instanceof Ed25519PrivateKeyParameters) {
                Ed25519Signer s = new Ed25519Signer();
                s.init(true, privateKey);
                s.update(message, 0, message.length);
                sig = s.generateSignature();
            } else {
                ECPrivateKeyParameters ec = (ECPrivateKeyParameters) privateKey;
                ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
                s.init(true, ec);
                try {
                    BigInteger[] rs = s.generateSignature(MessageDigest.getInstance("SHA-256").digest(message));
                    sig = StandardDSAEncoding.INSTANCE.encode(ec.getParameters().getN(), rs[0], rs[1]);
                } catch (IOException | GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
            return Envelope.Signature.of(publicKey.keyId(), sig);
        }
    }

    private Key generate(KeyAlgorithm algorithm) {
        AsymmetricCipherKeyPair kp;
        if (algorithm == KeyAlgorithm.ED25519) {
            Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
            g.init(new Ed25519KeyGenerationParameters(random));
            kp = g.generateKeyPair();
        } else {
            ECKeyPairGenerator g = new ECKeyPairGenerator();
            g.init(new ECKeyGenerationParameters(new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                    ECNamedCurveTable.getByName("P-256")), random));
            kp = g.generateKeyPair();
        }
        try {
            return new Key(kp.getPrivate(), VerificationKey.fromSubjectPublicKeyInfo(
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()).getEncoded("DER")));
        } catch (IOException | UnsupportedKeyException e) {
            throw new IllegalStateException("cannot encode a public key", e);
        }
    }

    String rootKeyId() {
        return rootKey.publicKey.keyId();
    }

    String updateKeyId() {
        return updateKey.publicKey.keyId();
    }

    /** root.json: version 1, one root key and one update key, threshold 1 each, signed by the root key. */
    byte[] rootEnvelope(Instant expires) {
        RootMetadata root = RootMetadata.builder().version(1).expires(expires).rootKey(rootKey.publicKey).rootThreshold(1)
                .updateKey(updateKey.publicKey).updateThreshold(1).build();
        byte[] payload = root.toPayload();
        return Envelope.of(Envelope.ROOT_PAYLOAD_TYPE, payload, List.of(rootKey.sign(Envelope.ROOT_PAYLOAD_TYPE, payload)))
                .toJson();
    }

    /** Signed metadata for {@code image}: version, hardware id, exact length and SHA-256, expiry. */
    byte[] updateEnvelope(long version, byte[] image, Instant expires, String reason) throws GeneralSecurityException {
        UpdateMetadata md = UpdateMetadata.builder().version(version).hardwareId(HARDWARE_ID).imageLength(image.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(image)).expires(expires)
                .supportUntil(LocalDate.of(2031, 12, 31)).securityUpdate(true).reason(reason).build();
        byte[] payload = md.toPayload();
        return Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, payload,
                List.of(updateKey.sign(Envelope.UPDATE_PAYLOAD_TYPE, payload))).toJson();
    }

    /** A stand-in firmware image of about 256 KiB. */
    static byte[] image(long version) {
        return ("Acme Smart Plug firmware, version " + version + "\n").repeat(6000).getBytes(StandardCharsets.UTF_8);
    }
}
