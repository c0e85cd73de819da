package io.devsec.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** The AES-GCM wrapper against Wycheproof's aes_gcm_test.json (Apache 2.0, see wycheproof/LICENSE). */
class WycheproofAesGcmTest {
    private static final HexFormat HEX = HexFormat.of();

    static JsonNode load(String name) throws Exception {
        try (InputStream in = WycheproofAesGcmTest.class.getResourceAsStream("/wycheproof/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void aes256Gcm96BitNonce_matchesEveryWycheproofVector() throws Exception {
        JsonNode root = load("aes_gcm_test.json");
        int valid = 0;
        int invalid = 0;
        int rejectedSizes = 0;
        for (JsonNode group : root.get("testGroups")) {
            boolean supported = group.get("keySize").asInt() == 256 && group.get("ivSize").asInt() == 96
                    && group.get("tagSize").asInt() == 128;
            for (JsonNode t : group.get("tests")) {
                byte[] key = HEX.parseHex(t.get("key").asText());
                byte[] iv = HEX.parseHex(t.get("iv").asText());
                byte[] aad = HEX.parseHex(t.get("aad").asText());
                byte[] msg = HEX.parseHex(t.get("msg").asText());
                byte[] ctTag = HEX.parseHex(t.get("ct").asText() + t.get("tag").asText());
                String id = "tcId " + t.get("tcId").asInt();
                if (!supported) {
                    assertThatThrownBy(() -> AesGcm.decrypt(key, iv, aad, ctTag)).as(id)
                            .isInstanceOf(IllegalArgumentException.class);
                    rejectedSizes++;
                    continue;
                }
                byte[] sealed = new byte[iv.length + ctTag.length];
                System.arraycopy(iv, 0, sealed, 0, iv.length);
                System.arraycopy(ctTag, 0, sealed, iv.length, ctTag.length);
                AesGcm instance = new AesGcm(key, new SecureRandom());
                if (t.get("result").asText().equals("invalid")) {
                    assertThatThrownBy(() -> AesGcm.decrypt(key, iv, aad, ctTag)).as(id)
                            .isInstanceOf(AEADBadTagException.class);
                    assertThatThrownBy(() -> instance.open(sealed, aad)).as(id).isInstanceOf(AEADBadTagException.class);
                    invalid++;
                } else {
                    assertThat(AesGcm.encrypt(key, iv, aad, msg)).as(id).isEqualTo(ctTag);
                    assertThat(AesGcm.decrypt(key, iv, aad, ctTag)).as(id).isEqualTo(msg);
                    assertThat(instance.open(sealed, aad)).as(id).isEqualTo(msg);
                    valid++;
                }
                instance.destroy();
            }
        }
        assertThat(valid).isGreaterThan(20);
        assertThat(invalid).isGreaterThan(10);
        assertThat(rejectedSizes).isGreaterThan(50);
    }

    @Test
    void seal_usesFreshNonceEveryTime_andRoundTrips() throws GeneralSecurityException {
        AesGcm gcm = new AesGcm(new byte[32], new SecureRandom());
        byte[] a = gcm.seal(new byte[] {1, 2, 3}, new byte[] {9});
        byte[] b = gcm.seal(new byte[] {1, 2, 3}, new byte[] {9});
        assertThat(java.util.Arrays.copyOf(a, 12)).isNotEqualTo(java.util.Arrays.copyOf(b, 12));
        assertThat(gcm.open(a, new byte[] {9})).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> gcm.open(a, new byte[] {8})).isInstanceOf(AEADBadTagException.class);
        gcm.destroy();
        assertThatThrownBy(() -> gcm.open(b, new byte[] {9})).isInstanceOf(IllegalStateException.class);
    }
}
