package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.update.TestKeys.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One fixture per attack of the TUF threat model that applies to a device, plus the happy paths. */
class UpdateVerifierTest {
    static final String HW = "acme-sensor-v2";

    final SigningKey rootKey1 = TestKeys.ed25519();
    final SigningKey rootKey2 = TestKeys.p256();
    final SigningKey updateKey1 = TestKeys.ed25519();
    final SigningKey updateKey2 = TestKeys.p256();
    final RollbackCounter counter = RollbackCounter.inMemory(0);
    final TrustedRootStore store = TrustedRootStore.inMemory();
    final byte[] image = "firmware v5 ".repeat(1000).getBytes(StandardCharsets.US_ASCII);

    RootMetadata.Builder root1() {
        return RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR)
                .rootKey(rootKey1.pub()).rootKey(rootKey2.pub()).rootThreshold(2)
                .updateKey(updateKey1.pub()).updateKey(updateKey2.pub()).updateThreshold(1);
    }

    UpdateVerifier verifier(byte[] initialRoot, Instant now) {
        return UpdateVerifier.builder().initialRoot(initialRoot).trustedRootStore(store).rollbackCounter(counter)
                .hardwareId(HW).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    UpdateVerifier verifier() {
        return verifier(TestKeys.root(root1().build(), rootKey1, rootKey2), TestKeys.NOW);
    }

    UpdateMetadata.Builder update(long version, byte[] img) throws Exception {
        return UpdateMetadata.builder().version(version).hardwareId(HW).imageLength(img.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(img)).expires(TestKeys.NEXT_YEAR)
                .supportUntil(LocalDate.parse("2031-12-31")).securityUpdate(true).reason("Fixes CVE-2026-0001.");
    }

    @Test
    void verify_validUpdateAndImage_accepts() throws Exception {
        VerifiedUpdate u = verifier().verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4);
        assertThat(u.metadata().version()).isEqualTo(5);
        assertThat(u.metadata().supportUntil()).contains(LocalDate.parse("2031-12-31"));
        assertThat(u.rootVersion()).isEqualTo(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UpdateVerifier.copyImage(u, new ByteArrayInputStream(image), out);
        assertThat(out.toByteArray()).isEqualTo(image);
        assertThat(store.load()).isPresent();
    }

    @Test
    void verify_ecdsaSignedUpdate_accepts() throws Exception {
        assertThat(verifier().verifyMetadata(TestKeys.update(update(1, image).build(), updateKey2), 0)
                .metadata().version()).isEqualTo(1);
    }

    // Arbitrary software: metadata signed by a key the root does not name.
    @Test
    void verify_signedByUnknownKey_throwsThresholdNotMetException() throws Exception {
        byte[] env = TestKeys.update(update(5, image).build(), TestKeys.ed25519());
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOfSatisfying(
                ThresholdNotMetException.class, e -> {
                    assertThat(e.role()).isEqualTo("update");
                    assertThat(e.validKeys()).isZero();
                });
    }

    // Arbitrary software: a valid signature over other bytes (payload swapped after signing).
    @Test
    void verify_payloadSwappedAfterSigning_throwsThresholdNotMetException() throws Exception {
        byte[] good = TestKeys.update(update(5, image).build(), updateKey1);
        Envelope e = Envelope.parse(good, MetadataLimits.DEFAULT);
        Envelope forged = Envelope.of(e.payloadType(), update(5, "evil".getBytes(StandardCharsets.UTF_8)).build()
                .toPayload(), e.signatures());
        assertThatThrownBy(() -> verifier().verifyMetadata(forged.toJson(), 4))
                .isInstanceOf(ThresholdNotMetException.class);
    }

    // Arbitrary software: metadata is right but the image is not.
    @Test
    void copyImage_differentImageOfSameLength_throwsImageHashException() throws Exception {
        VerifiedUpdate u = verifier().verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4);
        byte[] evil = image.clone();
        evil[17] ^= 1;
        assertThatThrownBy(() -> UpdateVerifier.copyImage(u, new ByteArrayInputStream(evil), OutputStream.nullOutputStream()))
                .isInstanceOfSatisfying(ImageHashException.class, e -> assertThat(e.expected()).isEqualTo(u.metadata().imageSha256()));
    }

    // Endless data: the image never ends; at most length + 1 bytes are read.
    @Test
    void copyImage_endlessStream_throwsImageLengthExceptionAfterOneExtraByte() throws Exception {
        VerifiedUpdate u = verifier().verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4);
        long[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                read[0] += len;
                return len;
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> UpdateVerifier.copyImage(u, endless, out)).isInstanceOfSatisfying(
                ImageLengthException.class, e -> assertThat(e.tooLong()).isTrue());
        assertThat(read[0]).isEqualTo(image.length + 1L);
        assertThat(out.size()).isEqualTo(image.length);
    }

    @Test
    void copyImage_truncatedImage_throwsImageLengthException() throws Exception {
        VerifiedUpdate u = verifier().verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4);
        assertThatThrownBy(() -> UpdateVerifier.copyImage(u, new ByteArrayInputStream(image, 0, 100),
                OutputStream.nullOutputStream())).isInstanceOfSatisfying(ImageLengthException.class, e -> {
                    assertThat(e.tooLong()).isFalse();
                    assertThat(e.actual()).isEqualTo(100);
                });
    }

    // Freeze attack: an old, expired update is offered again.
    @Test
    void verify_expiredUpdate_throwsExpiredMetadataException() throws Exception {
        byte[] env = TestKeys.update(update(5, image).expires(TestKeys.NOW).build(), updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOfSatisfying(
                ExpiredMetadataException.class, e -> {
                    assertThat(e.role()).isEqualTo("update");
                    assertThat(e.now()).isEqualTo(TestKeys.NOW);
                });
    }

    // Freeze attack: the device's trusted root has expired and no newer root is offered.
    @Test
    void verify_expiredRoot_throwsExpiredMetadataException() throws Exception {
        byte[] root = TestKeys.root(root1().expires(TestKeys.NOW.minusSeconds(1)).build(), rootKey1, rootKey2);
        byte[] env = TestKeys.update(update(5, image).build(), updateKey1);
        assertThatThrownBy(() -> verifier(root, TestKeys.NOW).verifyMetadata(env, 4)).isInstanceOfSatisfying(
                ExpiredMetadataException.class, e -> assertThat(e.role()).isEqualTo("root"));
    }

    // Rollback: an older version than the one installed.
    @Test
    void verify_olderThanInstalled_throwsRollbackException() throws Exception {
        byte[] env = TestKeys.update(update(3, image).build(), updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOfSatisfying(RollbackException.class,
                e -> {
                    assertThat(e.installed()).isEqualTo(4);
                    assertThat(e.offered()).isEqualTo(3);
                });
    }

    // Rollback / replay: a valid old update after the device has moved past it (installed version
    // claim lowered, e.g. old image restored), refused by the monotonic floor.
    @Test
    void verify_replayOfOldUpdateBelowFloor_throwsRollbackException() throws Exception {
        byte[] v5 = TestKeys.update(update(5, image).build(), updateKey1);
        UpdateVerifier v = verifier();
        v.verifyMetadata(v5, 4);
        counter.advance(6);
        assertThatThrownBy(() -> v.verifyMetadata(v5, 0)).isInstanceOfSatisfying(RollbackException.class, e -> {
            assertThat(e.floor()).isEqualTo(6);
            assertThat(e.installed()).isZero();
            assertThat(e.offered()).isEqualTo(5);
        });
        assertThatThrownBy(() -> v.verifyMetadata(TestKeys.update(update(6, image).build(), updateKey1), 0))
                .isInstanceOf(RollbackException.class);
    }

    // Fast-forward: a root that skips a version is refused, so versions cannot be pushed ahead.
    @Test
    void updateRoot_skippedVersion_throwsRootVersionException() throws Exception {
        byte[] root3 = TestKeys.root(root1().version(3).build(), rootKey1, rootKey2);
        assertThatThrownBy(() -> verifier().updateRoot(root3)).isInstanceOfSatisfying(RootVersionException.class,
                e -> {
                    assertThat(e.trusted()).isEqualTo(1);
                    assertThat(e.offered()).isEqualTo(3);
                });
    }

    // Rollback of the root itself: the same or an older root version.
    @Test
    void updateRoot_sameVersionAgain_throwsRootVersionException() throws Exception {
        byte[] again = TestKeys.root(root1().build(), rootKey1, rootKey2);
        assertThatThrownBy(() -> verifier().updateRoot(again)).isInstanceOf(RootVersionException.class);
    }

    // Fast-forward of update versions beyond the safe integer range is malformed, not accepted.
    @Test
    void verify_versionAboveSafeIntegerRange_throwsMalformedMetadataException() throws Exception {
        String payload = new String(update(5, image).build().toPayload(), StandardCharsets.UTF_8)
                .replace("\"version\":5", "\"version\":9007199254740992");
        byte[] env = TestKeys.envelope(Envelope.UPDATE_PAYLOAD_TYPE, payload.getBytes(StandardCharsets.UTF_8), updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOfSatisfying(
                MalformedMetadataException.class, e -> assertThat(e.field()).isEqualTo("update.version"));
    }

    // Threshold not met: root rotation with only one of the two required old root keys.
    @Test
    void updateRoot_oneOfTwoTrustedKeys_throwsThresholdNotMetException() throws Exception {
        byte[] root2 = TestKeys.root(root1().version(2).build(), rootKey1);
        assertThatThrownBy(() -> verifier().updateRoot(root2)).isInstanceOfSatisfying(
                ThresholdNotMetException.class, e -> {
                    assertThat(e.role()).isEqualTo("root (trusted)");
                    assertThat(e.threshold()).isEqualTo(2);
                    assertThat(e.validKeys()).isEqualTo(1);
                });
    }

    @Test
    void verify_updateThresholdTwoWithOneSignature_throwsThresholdNotMetException() throws Exception {
        byte[] root = TestKeys.root(root1().updateThreshold(2).build(), rootKey1, rootKey2);
        byte[] env = TestKeys.update(update(5, image).build(), updateKey1);
        assertThatThrownBy(() -> verifier(root, TestKeys.NOW).verifyMetadata(env, 4))
                .isInstanceOf(ThresholdNotMetException.class);
        byte[] both = TestKeys.update(update(5, image).build(), updateKey1, updateKey2);
        assertThat(verifier(root, TestKeys.NOW).verifyMetadata(both, 4).metadata().version()).isEqualTo(5);
    }

    // Duplicate signatures: one key signing twice counts once.
    @Test
    void verify_sameKeySignedTwice_countsOnce() throws Exception {
        byte[] root = TestKeys.root(root1().updateThreshold(2).build(), rootKey1, rootKey2);
        byte[] env = TestKeys.update(update(5, image).build(), updateKey1, updateKey1);
        assertThat(Envelope.parse(env, MetadataLimits.DEFAULT).signatures()).hasSize(2);
        assertThatThrownBy(() -> verifier(root, TestKeys.NOW).verifyMetadata(env, 4)).isInstanceOfSatisfying(
                ThresholdNotMetException.class, e -> assertThat(e.validKeys()).isEqualTo(1));
    }

    // Duplicate signatures: an invalid signature by a key followed by a valid one still counts the key once.
    @Test
    void verify_badThenGoodSignatureBySameKey_countsKeyOnce() throws Exception {
        byte[] payload = update(5, image).build().toPayload();
        byte[] pae = Envelope.preAuthenticationEncoding(Envelope.UPDATE_PAYLOAD_TYPE, payload);
        List<Envelope.Signature> sigs = new ArrayList<>();
        sigs.add(Envelope.Signature.of(updateKey1.keyId(), new byte[64]));
        sigs.add(Envelope.Signature.of(updateKey1.keyId(), updateKey1.sign(pae)));
        byte[] env = Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, payload, sigs).toJson();
        assertThat(verifier().verifyMetadata(env, 4).metadata().version()).isEqualTo(5);
    }

    // Key rotation: root 2 is trusted when both old and new keys sign it; the new update key works.
    @Test
    void updateRoot_signedByOldAndNewThresholds_rotatesAndPersists() throws Exception {
        SigningKey newRoot = TestKeys.ed25519();
        SigningKey newUpdate = TestKeys.p256();
        RootMetadata r2 = RootMetadata.builder().version(2).expires(TestKeys.NEXT_YEAR).rootKey(newRoot.pub())
                .rootThreshold(1).updateKey(newUpdate.pub()).updateThreshold(1).build();
        UpdateVerifier v = verifier();
        assertThat(v.updateRoot(TestKeys.root(r2, rootKey1, rootKey2, newRoot)).version()).isEqualTo(2);
        assertThat(v.verifyMetadata(TestKeys.update(update(5, image).build(), newUpdate), 4).rootVersion()).isEqualTo(2);
        // A fresh verifier (a restart) starts from the stored root 2, not the initial root.
        UpdateVerifier restarted = verifier();
        assertThat(restarted.trustedRoot().version()).isEqualTo(2);
    }

    @Test
    void updateRoot_missingNewKeysSignature_throwsThresholdNotMetException() throws Exception {
        SigningKey newRoot = TestKeys.ed25519();
        RootMetadata r2 = RootMetadata.builder().version(2).expires(TestKeys.NEXT_YEAR).rootKey(newRoot.pub())
                .rootThreshold(1).updateKey(updateKey1.pub()).updateThreshold(1).build();
        assertThatThrownBy(() -> verifier().updateRoot(TestKeys.root(r2, rootKey1, rootKey2)))
                .isInstanceOfSatisfying(ThresholdNotMetException.class,
                        e -> assertThat(e.role()).isEqualTo("root (new)"));
    }

    // Revoked key after rotation: the update key root 2 dropped can no longer sign updates,
    // and the dropped root keys can no longer sign root 3.
    @Test
    void verify_keyRevokedByRotation_throwsThresholdNotMetException() throws Exception {
        SigningKey newRoot = TestKeys.ed25519();
        RootMetadata r2 = RootMetadata.builder().version(2).expires(TestKeys.NEXT_YEAR).rootKey(newRoot.pub())
                .rootThreshold(1).updateKey(updateKey2.pub()).updateThreshold(1).build();
        UpdateVerifier v = verifier();
        v.updateRoot(TestKeys.root(r2, rootKey1, rootKey2, newRoot));
        assertThatThrownBy(() -> v.verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4))
                .isInstanceOf(ThresholdNotMetException.class);
        RootMetadata r3 = root1().version(3).build();
        assertThatThrownBy(() -> v.updateRoot(TestKeys.root(r3, rootKey1, rootKey2)))
                .isInstanceOfSatisfying(ThresholdNotMetException.class,
                        e -> assertThat(e.role()).isEqualTo("root (trusted)"));
    }

    // Mix-and-match: metadata of one update with the image of another.
    @Test
    void copyImage_imageFromAnotherRelease_throws() throws Exception {
        byte[] other = "firmware v6 ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        VerifiedUpdate u = verifier().verifyMetadata(TestKeys.update(update(5, image).build(), updateKey1), 4);
        assertThatThrownBy(() -> UpdateVerifier.copyImage(u, new ByteArrayInputStream(other),
                OutputStream.nullOutputStream())).isInstanceOf(ImageHashException.class);
    }

    // Mix-and-match: a payload from one envelope with signatures from another.
    @Test
    void verify_signaturesFromAnotherEnvelope_throwsThresholdNotMetException() throws Exception {
        Envelope a = Envelope.parse(TestKeys.update(update(5, image).build(), updateKey1), MetadataLimits.DEFAULT);
        Envelope b = Envelope.parse(TestKeys.update(update(6, image).build(), updateKey1), MetadataLimits.DEFAULT);
        byte[] mixed = Envelope.of(a.payloadType(), b.payload(), a.signatures()).toJson();
        assertThatThrownBy(() -> verifier().verifyMetadata(mixed, 4)).isInstanceOf(ThresholdNotMetException.class);
    }

    // Wrong hardware.
    @Test
    void verify_otherHardware_throwsWrongHardwareException() throws Exception {
        byte[] env = TestKeys.update(update(5, image).hardwareId("acme-camera-v1").build(), updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOfSatisfying(
                WrongHardwareException.class, e -> {
                    assertThat(e.expected()).isEqualTo(HW);
                    assertThat(e.found()).isEqualTo("acme-camera-v1");
                });
    }

    // Type confusion: a root is never update metadata, an update never a root.
    @Test
    void verify_rootOfferedAsUpdate_throwsWrongPayloadTypeException() throws Exception {
        byte[] root = TestKeys.root(root1().version(2).build(), rootKey1, rootKey2, updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(root, 4)).isInstanceOf(WrongPayloadTypeException.class);
        byte[] upd = TestKeys.update(update(2, image).build(), rootKey1, rootKey2);
        assertThatThrownBy(() -> verifier().updateRoot(upd)).isInstanceOf(WrongPayloadTypeException.class);
    }

    @Test
    void verify_updatePayloadUnderRootPayloadType_throwsMalformedMetadataException() throws Exception {
        byte[] env = TestKeys.envelope(Envelope.ROOT_PAYLOAD_TYPE, update(2, image).build().toPayload(), rootKey1, rootKey2);
        assertThatThrownBy(() -> verifier().updateRoot(env)).isInstanceOfSatisfying(MalformedMetadataException.class,
                e -> assertThat(e.field()).isEqualTo("root._type"));
    }

    // Every time check in one call uses the one instant from the clock.
    @Test
    void verify_updateExpiringExactlyNow_isExpired() throws Exception {
        byte[] env = TestKeys.update(update(5, image).expires(TestKeys.NOW).build(), updateKey1);
        assertThatThrownBy(() -> verifier().verifyMetadata(env, 4)).isInstanceOf(ExpiredMetadataException.class);
        byte[] ok = TestKeys.update(update(5, image).expires(TestKeys.NOW.plusSeconds(1)).build(), updateKey1);
        assertThat(verifier().verifyMetadata(ok, 4)).isNotNull();
    }

    @Test
    void trustedRoot_initialRootNotSelfSigned_throwsThresholdNotMetException() {
        byte[] root = TestKeys.root(root1().build(), rootKey1);
        assertThatThrownBy(() -> verifier(root, TestKeys.NOW).trustedRoot()).isInstanceOf(ThresholdNotMetException.class);
    }

    @Test
    void verify_oversizedEnvelope_throwsMetadataTooLargeExceptionBeforeParsing() {
        byte[] big = ("{\"payload\":\"" + Base64.getEncoder().encodeToString(new byte[70_000]) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> verifier().verifyMetadata(big, 4)).isInstanceOfSatisfying(
                MetadataTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(65536));
    }

    // Software integrity at start (provision 4.7): the running image against its signed metadata.
    @Test
    void verifyInstalled_unchangedImage_passesEvenAfterExpiry() throws Exception {
        byte[] env = TestKeys.update(update(5, image).build(), updateKey1);
        UpdateVerifier later = verifier(TestKeys.root(root1().build(), rootKey1, rootKey2), TestKeys.NEXT_YEAR.plusSeconds(1));
        assertThat(later.verifyInstalled(env, 5, new ByteArrayInputStream(image)).version()).isEqualTo(5);
    }

    @Test
    void verifyInstalled_changedImageOrOtherVersion_throws() throws Exception {
        byte[] env = TestKeys.update(update(5, image).build(), updateKey1);
        byte[] changed = image.clone();
        changed[0] ^= 1;
        assertThatThrownBy(() -> verifier().verifyInstalled(env, 5, new ByteArrayInputStream(changed)))
                .isInstanceOf(ImageHashException.class);
        assertThatThrownBy(() -> verifier().verifyInstalled(env, 4, new ByteArrayInputStream(image)))
                .isInstanceOfSatisfying(VersionMismatchException.class, e -> {
                    assertThat(e.running()).isEqualTo(4);
                    assertThat(e.signed()).isEqualTo(5);
                });
        byte[] forged = TestKeys.update(update(5, changed).build(), TestKeys.ed25519());
        assertThatThrownBy(() -> verifier().verifyInstalled(forged, 5, new ByteArrayInputStream(changed)))
                .isInstanceOf(ThresholdNotMetException.class);
    }
}
