package io.devsec.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against Wycheproof's hkdf_sha256_test.json. */
class WycheproofHkdfTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hkdfSha256_matchesEveryWycheproofVector() throws Exception {
        JsonNode root = WycheproofAesGcmTest.load("hkdf_sha256_test.json");
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : root.get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                byte[] ikm = HEX.parseHex(t.get("ikm").asText());
                byte[] salt = HEX.parseHex(t.get("salt").asText());
                byte[] info = HEX.parseHex(t.get("info").asText());
                int size = t.get("size").asInt();
                String id = "tcId " + t.get("tcId").asInt();
                if (t.get("result").asText().equals("invalid")) {
                    assertThatThrownBy(() -> Hkdf.derive(ikm, salt, info, size)).as(id)
                            .isInstanceOf(IllegalArgumentException.class);
                    invalid++;
                } else {
                    assertThat(Hkdf.derive(ikm, salt, info, size)).as(id).isEqualTo(HEX.parseHex(t.get("okm").asText()));
                    valid++;
                }
            }
        }
        assertThat(valid).isGreaterThan(50);
        assertThat(invalid).isGreaterThan(0);
    }
}
