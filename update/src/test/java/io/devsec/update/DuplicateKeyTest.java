package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.update.TestKeys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 9.3: a P-256 key has two encodings (compressed and uncompressed point), so two key ids. A
 * root listing one key under both ids must not let one signer meet a threshold of 2.
 */
class DuplicateKeyTest {
    static final String HW = "hw";

    final SigningKey rootKey = TestKeys.p256();
    final SigningKey otherRootKey = TestKeys.ed25519();
    final SigningKey updateKey = TestKeys.p256();

    /** The same public key, its point encoded compressed (a different DER, so a different key id). */
    static VerificationKey compressed(VerificationKey key) throws Exception {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.subjectPublicKeyInfo());
        ECPublicKeyParameters ec = (ECPublicKeyParameters) PublicKeyFactory.createKey(spki);
        byte[] point = ec.getQ().getEncoded(true);
        byte[] der = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                SECObjectIdentifiers.secp256r1), point).getEncoded("DER");
        return VerificationKey.fromSubjectPublicKeyInfo(der);
    }

    /** A signing key that signs under the key id of {@code pub} (another encoding of its own key). */
    static SigningKey as(SigningKey key, VerificationKey pub) {
        return new SigningKey(key.algorithm(), key.priv(), pub);
    }

    /** A root payload written by hand (the builder refuses duplicates): root and update key id lists given. */
    static byte[] rootPayload(VerificationKey[] keys, VerificationKey[] rootKeys, int rootThreshold,
            VerificationKey[] updateKeys, int updateThreshold) {
        StringBuilder b = new StringBuilder("{\"_type\":\"root\",\"version\":1,\"expires\":\"")
                .append(TestKeys.NEXT_YEAR).append("\",\"keys\":{");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(keys[i].keyId()).append("\":{\"algorithm\":\"")
                    .append(keys[i].algorithm().id()).append("\",\"spki\":\"")
                    .append(Base64.getEncoder().encodeToString(keys[i].subjectPublicKeyInfo())).append("\"}");
        }
        b.append("},\"roles\":{\"root\":{\"keyids\":").append(ids(rootKeys)).append(",\"threshold\":")
                .append(rootThreshold).append("},\"update\":{\"keyids\":").append(ids(updateKeys))
                .append(",\"threshold\":").append(updateThreshold).append("}}}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String ids(VerificationKey[] keys) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(keys[i].keyId()).append('"');
        }
        return b.append(']').toString();
    }

    UpdateVerifier verifier(byte[] rootEnvelope) {
        return UpdateVerifier.builder().initialRoot(rootEnvelope).rollbackCounter(RollbackCounter.inMemory(0))
                .hardwareId(HW).clock(Clock.fixed(TestKeys.NOW, ZoneOffset.UTC)).build();
    }

    byte[] update(long version, SigningKey... signers) throws Exception {
        byte[] img = "image".getBytes(StandardCharsets.US_ASCII);
        return TestKeys.update(UpdateMetadata.builder().version(version).hardwareId(HW).imageLength(img.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(img)).expires(TestKeys.NEXT_YEAR)
                .supportUntil(LocalDate.parse("2031-12-31")).securityUpdate(true).reason("test").build(), signers);
    }

    @Test
    void compressedEncoding_isTheSameKeyUnderAnotherId() throws Exception {
        VerificationKey c = compressed(rootKey.pub());
        assertThat(c.keyId()).isNotEqualTo(rootKey.keyId());
        assertThat(c.sameKey(rootKey.pub())).isTrue();
        assertThat(c.sameKey(updateKey.pub())).isFalse();
    }

    @Test
    void parse_rootRoleListingOneKeyUnderBothEncodings_throwsMalformedMetadataException() throws Exception {
        VerificationKey u = rootKey.pub();
        VerificationKey c = compressed(u);
        byte[] payload = rootPayload(new VerificationKey[] {u, c, updateKey.pub()}, new VerificationKey[] {u, c}, 2,
                new VerificationKey[] {updateKey.pub()}, 1);
        assertThatThrownBy(() -> RootMetadata.parse(payload, MetadataLimits.DEFAULT))
                .isInstanceOf(MalformedMetadataException.class).hasMessageContaining("same public key");
        // The attack: one signer, its signature under both ids, meets "threshold 2" of the root role.
        byte[] env = TestKeys.envelope(Envelope.ROOT_PAYLOAD_TYPE, payload, rootKey, as(rootKey, c));
        assertThatThrownBy(() -> verifier(env).trustedRoot()).isInstanceOf(MalformedMetadataException.class);
    }

    @Test
    void parse_updateRoleListingOneKeyUnderBothEncodings_throwsMalformedMetadataException() throws Exception {
        VerificationKey u = updateKey.pub();
        VerificationKey c = compressed(u);
        byte[] payload = rootPayload(new VerificationKey[] {rootKey.pub(), otherRootKey.pub(), u, c},
                new VerificationKey[] {rootKey.pub(), otherRootKey.pub()}, 2, new VerificationKey[] {c, u}, 2);
        assertThatThrownBy(() -> RootMetadata.parse(payload, MetadataLimits.DEFAULT))
                .isInstanceOf(MalformedMetadataException.class).hasMessageContaining("same public key");
        // The attack: one update key signs under both ids and meets "threshold 2" of the update role.
        byte[] env = TestKeys.envelope(Envelope.ROOT_PAYLOAD_TYPE, payload, rootKey, otherRootKey);
        assertThatThrownBy(() -> verifier(env).verifyMetadata(update(2, updateKey, as(updateKey, c)), 1))
                .isInstanceOf(MalformedMetadataException.class);
    }

    @Test
    void parse_keyListedUnderBothEncodingsAcrossRoles_throwsMalformedMetadataException() throws Exception {
        // Root role names the uncompressed id, update role the compressed one: still one key listed twice.
        VerificationKey u = rootKey.pub();
        VerificationKey c = compressed(u);
        byte[] payload = rootPayload(new VerificationKey[] {u, c}, new VerificationKey[] {u}, 1,
                new VerificationKey[] {c}, 1);
        assertThatThrownBy(() -> RootMetadata.parse(payload, MetadataLimits.DEFAULT))
                .isInstanceOf(MalformedMetadataException.class).hasMessageContaining("same public key");
    }

    @Test
    void builder_sameKeyUnderBothEncodings_throwsIllegalArgumentException() throws Exception {
        VerificationKey c = compressed(updateKey.pub());
        assertThatThrownBy(() -> RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey.pub())
                .rootThreshold(1).updateKey(updateKey.pub()).updateKey(c).updateThreshold(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same public key");
    }

    @Test
    void builder_oneKeyInBothRolesUnderOneId_isAllowed() {
        RootMetadata root = RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey.pub())
                .rootThreshold(1).updateKey(rootKey.pub()).updateThreshold(1).build();
        assertThat(root.keys()).hasSize(1);
    }
}
