package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devsec.update.internal.Hex;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.junit.jupiter.api.Test;

/** Signature verification against RFC 8032 and Wycheproof vectors. */
class SignatureVectorsTest {

    private static VerificationKey ed25519Key(String rawHex) throws Exception {
        byte[] spki = SubjectPublicKeyInfoFactory
                .createSubjectPublicKeyInfo(new Ed25519PublicKeyParameters(Hex.decode(rawHex), 0)).getEncoded("DER");
        return VerificationKey.fromSubjectPublicKeyInfo(spki);
    }

    @Test
    void verify_rfc8032Vectors1To3_acceptsAndSigningReproducesThem() throws Exception {
        String[][] vectors = {
            {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
            {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
            {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
        };
        for (String[] v : vectors) {
            VerificationKey key = ed25519Key(v[1]);
            byte[] msg = Hex.decode(v[2]);
            byte[] sig = Hex.decode(v[3]);
            assertThat(key.verifies(msg, sig)).as("vector %s", v[1]).isTrue();
            sig[0] ^= 1;
            assertThat(key.verifies(msg, sig)).isFalse();
            TestKeys.SigningKey sk = TestKeys.ed25519FromSeed(Hex.decode(v[0]));
            assertThat(sk.pub()).isEqualTo(key);
            assertThat(Hex.encode(sk.sign(msg))).isEqualTo(v[3]);
        }
    }

    @Test
    void verify_wycheproofEd25519_matchesEveryExpectedResult() throws Exception {
        assertThat(runWycheproof("ed25519_test.json")).isEqualTo(151);
    }

    @Test
    void verify_wycheproofEcdsaP256Sha256_matchesEveryExpectedResult() throws Exception {
        assertThat(runWycheproof("ecdsa_secp256r1_sha256_test.json")).isEqualTo(484);
    }

    private int runWycheproof(String file) throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/wycheproof/" + file)) {
            root = new ObjectMapper().readTree(in);
        }
        int count = 0;
        for (JsonNode group : root.get("testGroups")) {
            VerificationKey key = VerificationKey.fromSubjectPublicKeyInfo(Hex.decode(group.get("publicKeyDer").asText()));
            // The PEM form names the same key.
            assertThat(VerificationKey.fromPem(group.get("publicKeyPem").asText())).isEqualTo(key);
            for (JsonNode t : group.get("tests")) {
                byte[] msg = Hex.decode(t.get("msg").asText());
                byte[] sig = Hex.decode(t.get("sig").asText());
                String result = t.get("result").asText();
                boolean ok = key.verifies(msg, sig);
                if (result.equals("valid")) {
                    assertThat(ok).as("tcId %s %s", t.get("tcId"), t.get("comment")).isTrue();
                } else if (result.equals("invalid")) {
                    assertThat(ok).as("tcId %s %s", t.get("tcId"), t.get("comment")).isFalse();
                }
                count++;
            }
        }
        return count;
    }

    @Test
    void keyId_isLowercaseHexSha256OfSpki() throws Exception {
        TestKeys.SigningKey k = TestKeys.p256();
        byte[] spki = k.pub().subjectPublicKeyInfo();
        assertThat(k.keyId()).isEqualTo(Hex.encode(java.security.MessageDigest.getInstance("SHA-256").digest(spki)));
        assertThat(VerificationKey.fromPem(k.pub().toPem())).isEqualTo(k.pub());
        assertThat(k.pub().toString()).contains(k.keyId());
    }

    @Test
    void fromSubjectPublicKeyInfo_otherCurveOrGarbage_throwsUnsupportedKeyException() throws Exception {
        // secp256k1 SPKI (curve OID 1.3.132.0.10), point validity aside.
        byte[] k1 = Hex.decode("3056301006072a8648ce3d020106052b8104000a034200"
                + "04".concat("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
                .concat("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VerificationKey.fromSubjectPublicKeyInfo(k1))
                .isInstanceOf(UnsupportedKeyException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> VerificationKey.fromSubjectPublicKeyInfo("nonsense".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(UnsupportedKeyException.class);
    }
}
