package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.update.internal.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelopes signed by openssl verify here, and signatures made here verify with openssl. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needOpenssl() {
        ExternalTools.require("openssl", "apt-get install -y openssl");
    }

    private String openssl(String... args) throws Exception {
        ExternalTools.Result r = ExternalTools.run(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("openssl"), java.util.Arrays.stream(args)).toList(), 30);
        assertThat(r.exit()).as("openssl %s: %s", List.of(args), r.err()).isZero();
        return r.out();
    }

    private VerificationKey opensslKey(String name, boolean ed25519) throws Exception {
        Path key = dir.resolve(name + ".key");
        if (ed25519) {
            openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString());
        } else {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt",
                    "ec_param_enc:named_curve", "-out", key.toString());
        }
        openssl("pkey", "-in", key.toString(), "-pubout", "-out", dir.resolve(name + ".pub").toString());
        return VerificationKey.fromPem(Files.readString(dir.resolve(name + ".pub")));
    }

    private byte[] opensslSign(String name, boolean ed25519, byte[] message) throws Exception {
        Path msg = dir.resolve("msg.bin");
        Path sig = dir.resolve("sig.bin");
        Files.write(msg, message);
        String key = dir.resolve(name + ".key").toString();
        if (ed25519) {
            openssl("pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", msg.toString(), "-out", sig.toString());
        } else {
            openssl("dgst", "-sha256", "-sign", key, "-out", sig.toString(), msg.toString());
        }
        return Files.readAllBytes(sig);
    }

    @Test
    void verify_envelopesSignedByOpenssl_accepts() throws Exception {
        VerificationKey rootKey = opensslKey("root", true);
        VerificationKey updateKey = opensslKey("update", false);
        RootMetadata root = RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey)
                .rootThreshold(1).updateKey(updateKey).updateThreshold(1).build();
        byte[] rootPayload = root.toPayload();
        byte[] rootEnv = Envelope.of(Envelope.ROOT_PAYLOAD_TYPE, rootPayload, List.of(Envelope.Signature.of(
                rootKey.keyId(), opensslSign("root", true,
                        Envelope.preAuthenticationEncoding(Envelope.ROOT_PAYLOAD_TYPE, rootPayload))))).toJson();
        byte[] image = "image".getBytes(StandardCharsets.US_ASCII);
        UpdateMetadata md = UpdateMetadata.builder().version(2).hardwareId("hw").imageLength(image.length)
                .imageSha256(java.security.MessageDigest.getInstance("SHA-256").digest(image))
                .expires(TestKeys.NEXT_YEAR).securityUpdate(false).reason("interop").build();
        byte[] payload = md.toPayload();
        byte[] updEnv = Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, payload, List.of(Envelope.Signature.of(
                updateKey.keyId(), opensslSign("update", false,
                        Envelope.preAuthenticationEncoding(Envelope.UPDATE_PAYLOAD_TYPE, payload))))).toJson();
        UpdateVerifier v = UpdateVerifier.builder().initialRoot(rootEnv).rollbackCounter(RollbackCounter.inMemory(0))
                .hardwareId("hw").clock(Clock.fixed(TestKeys.NOW, ZoneOffset.UTC)).build();
        assertThat(v.verifyMetadata(updEnv, 1).metadata()).isEqualTo(md);
    }

    @Test
    void signaturesMadeHere_verifyWithOpenssl() throws Exception {
        byte[] pae = Envelope.preAuthenticationEncoding(Envelope.UPDATE_PAYLOAD_TYPE, "{}".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("pae.bin"), pae);
        for (TestKeys.SigningKey k : List.of(TestKeys.ed25519(), TestKeys.p256())) {
            Files.writeString(dir.resolve("k.pub"), k.pub().toPem());
            Files.write(dir.resolve("k.sig"), k.sign(pae));
            if (k.algorithm() == KeyAlgorithm.ED25519) {
                openssl("pkeyutl", "-verify", "-pubin", "-inkey", dir.resolve("k.pub").toString(), "-rawin", "-in",
                        dir.resolve("pae.bin").toString(), "-sigfile", dir.resolve("k.sig").toString());
            } else {
                assertThat(openssl("dgst", "-sha256", "-verify", dir.resolve("k.pub").toString(), "-signature",
                        dir.resolve("k.sig").toString(), dir.resolve("pae.bin").toString())).contains("Verified OK");
            }
            // Key ids agree with openssl's DER of the public key.
            openssl("pkey", "-pubin", "-in", dir.resolve("k.pub").toString(), "-outform", "DER", "-out",
                    dir.resolve("k.der").toString());
            assertThat(Hex.encode(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("k.der"))))).isEqualTo(k.keyId());
        }
    }
}
