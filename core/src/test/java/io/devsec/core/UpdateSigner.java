package io.devsec.core;

import io.devsec.update.Envelope;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.VerificationKey;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** The manufacturer's side in tests: an Ed25519 root key and update key that sign DSSE envelopes. */
final class UpdateSigner {
    static final String HARDWARE = "acme-sensor-rev2";

    final Key rootKey = Key.generate();
    final Key updateKey = Key.generate();

    record Key(Ed25519PrivateKeyParameters priv, VerificationKey pub) {
        static Key generate() {
            Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
            g.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
            AsymmetricCipherKeyPair kp = g.generateKeyPair();
            try {
                return new Key((Ed25519PrivateKeyParameters) kp.getPrivate(), VerificationKey.fromSubjectPublicKeyInfo(
                        SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()).getEncoded("DER")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Envelope.Signature sign(String type, byte[] payload) {
            byte[] pae = Envelope.preAuthenticationEncoding(type, payload);
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, priv);
            s.update(pae, 0, pae.length);
            return Envelope.Signature.of(pub.keyId(), s.generateSignature());
        }
    }

    byte[] root(Instant expires) {
        RootMetadata root = RootMetadata.builder().version(1).expires(expires).rootKey(rootKey.pub()).rootThreshold(1)
                .updateKey(updateKey.pub()).updateThreshold(1).build();
        byte[] payload = root.toPayload();
        return Envelope.of(Envelope.ROOT_PAYLOAD_TYPE, payload,
                List.of(rootKey.sign(Envelope.ROOT_PAYLOAD_TYPE, payload))).toJson();
    }

    byte[] update(long version, byte[] image, Instant expires) throws Exception {
        return update(version, image, expires, null);
    }

    /** Signed update metadata; {@code supportUntil} may be null (no support period stated). */
    byte[] update(long version, byte[] image, Instant expires, java.time.LocalDate supportUntil) throws Exception {
        UpdateMetadata.Builder b = UpdateMetadata.builder().version(version).hardwareId(HARDWARE).imageLength(image.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(image)).expires(expires)
                .securityUpdate(true).reason("test update " + version);
        if (supportUntil != null) {
            b.supportUntil(supportUntil);
        }
        UpdateMetadata md = b.build();
        byte[] payload = md.toPayload();
        return Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, payload,
                List.of(updateKey.sign(Envelope.UPDATE_PAYLOAD_TYPE, payload))).toJson();
    }

    static byte[] image(long version) {
        return ("firmware image, version " + version + "\n").repeat(2000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
