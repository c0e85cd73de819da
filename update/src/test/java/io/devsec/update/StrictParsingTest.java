package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each strictness rule of the envelope and payload parsers refuses with a typed exception. */
class StrictParsingTest {
    static final String KEYID = "a".repeat(64);
    static final MetadataLimits L = MetadataLimits.DEFAULT;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String envelope(String extra) {
        return "{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"" + KEYID
                + "\",\"sig\":\"AAAA\"}]" + extra + "}";
    }

    static String update(String replaceFrom, String replaceTo) {
        UpdateMetadata md = UpdateMetadata.builder().version(7).hardwareId("hw").imageLength(10)
                .imageSha256("0".repeat(64)).expires(Instant.parse("2027-01-01T00:00:00Z")).securityUpdate(false)
                .reason("r").build();
        String s = new String(md.toPayload(), StandardCharsets.UTF_8);
        assertThat(s).contains(replaceFrom);
        return s.replace(replaceFrom, replaceTo);
    }

    MalformedMetadataException malformedEnvelope(String json) {
        try {
            Envelope.parse(b(json), L);
        } catch (MalformedMetadataException e) {
            return e;
        } catch (MetadataTooLargeException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    MalformedMetadataException malformedUpdate(String json) {
        try {
            UpdateMetadata.parse(b(json), L);
        } catch (MalformedMetadataException e) {
            return e;
        } catch (MetadataTooLargeException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void parse_wellFormedEnvelope_roundTrips() throws Exception {
        Envelope e = Envelope.parse(b(envelope("")), L);
        assertThat(e.payloadType()).isEqualTo("t");
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(Envelope.parse(e.toJson(), L).signatures().get(0).keyId()).isEqualTo(KEYID);
    }

    @Test
    void parse_duplicateKey_throwsMalformed() {
        assertThat(malformedEnvelope(envelope(",\"payloadType\":\"u\"")).getMessage()).contains("Duplicate");
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":7,\"version\":8")).field()).isEqualTo("update");
    }

    @Test
    void parse_trailingData_throwsMalformed() {
        malformedEnvelope(envelope("") + "{}");
        malformedEnvelope(envelope("") + "x");
        malformedUpdate(update("", "") + "[]");
    }

    @Test
    void parse_unknownField_throwsMalformedNamingIt() {
        assertThat(malformedEnvelope(envelope(",\"extra\":1")).field()).isEqualTo("envelope.extra");
        assertThat(malformedUpdate(update("\"reason\"", "\"debug\":true,\"reason\"")).field()).isEqualTo("update.debug");
        assertThat(malformedUpdate(update("\"length\":10", "\"length\":10,\"url\":\"x\"")).field())
                .isEqualTo("update.image.url");
    }

    @Test
    void parse_wrongTypes_throwMalformedNamingField() {
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":\"7\"")).field()).isEqualTo("update.version");
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":7.0")).field()).isEqualTo("update.version");
        assertThat(malformedUpdate(update("\"securityUpdate\":false", "\"securityUpdate\":0")).field())
                .isEqualTo("update.securityUpdate");
        assertThat(malformedUpdate(update("\"hardwareId\":\"hw\"", "\"hardwareId\":[\"hw\"]")).field())
                .isEqualTo("update.hardwareId");
        assertThat(malformedEnvelope(envelope("").replace("\"payload\":\"e30=\"", "\"payload\":null")).field())
                .isEqualTo("envelope.payload");
        malformedEnvelope("[]");
    }

    @Test
    void parse_outOfRangeNumbers_throwMalformed() {
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":0")).field()).isEqualTo("update.version");
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":-1")).field()).isEqualTo("update.version");
        assertThat(malformedUpdate(update("\"version\":7", "\"version\":99999999999999999999999")).getMessage())
                .isNotEmpty();
        assertThat(malformedUpdate(update("\"length\":10", "\"length\":0")).field()).isEqualTo("update.image.length");
        assertThat(malformedUpdate(update("\"length\":10", "\"length\":1099511627777")).field())
                .isEqualTo("update.image.length");
    }

    @Test
    void parse_badValues_throwMalformed() {
        malformedUpdate(update("\"sha256\":\"" + "0".repeat(64), "\"sha256\":\"" + "A".repeat(64)));
        assertThat(malformedUpdate(update("2027-01-01T00:00:00Z", "2027-01-01T00:00:00+01:00")).field())
                .isEqualTo("update.expires");
        malformedUpdate(update("\"hardwareId\":\"hw\"", "\"hardwareId\":\"../hw\""));
        assertThat(malformedEnvelope(envelope("").replace("e30=", "e30")).field()).isEqualTo("envelope.payload");
        assertThat(malformedEnvelope(envelope("").replace(KEYID, "A".repeat(64))).field())
                .isEqualTo("envelope.signatures.keyid");
        assertThat(malformedEnvelope(envelope("").replace("[{", "[]").replaceAll("\\{\"keyid.*\\}\\]", "")).getMessage())
                .isNotEmpty();
    }

    @Test
    void parse_notUtf8_throwsMalformed() {
        byte[] bad = b(envelope(""));
        bad[17] = (byte) 0xC3;
        assertThatThrownBy(() -> Envelope.parse(bad, L)).isInstanceOf(MalformedMetadataException.class);
    }

    @Test
    void parse_deepNesting_throwsMalformed() {
        String deep = "[".repeat(100) + "]".repeat(100);
        malformedEnvelope(envelope(",\"x\":" + deep));
    }

    @Test
    void parse_tooManySignatures_throwsMalformed() {
        StringBuilder sigs = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            sigs.append(i == 0 ? "" : ",").append("{\"keyid\":\"").append(KEYID).append("\",\"sig\":\"AAAA\"}");
        }
        assertThat(malformedEnvelope("{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[" + sigs + "]}")
                .field()).isEqualTo("envelope.signatures");
    }

    @Test
    void parse_overCap_throwsTooLargeBeforeParsing() {
        MetadataLimits small = MetadataLimits.builder().maxEnvelopeBytes(256).build();
        byte[] big = new byte[257];
        assertThatThrownBy(() -> Envelope.parse(big, small)).isInstanceOfSatisfying(MetadataTooLargeException.class,
                e -> assertThat(e.size()).isEqualTo(257));
        assertThatThrownBy(() -> Envelope.read(new java.io.InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        }, small)).isInstanceOfSatisfying(MetadataTooLargeException.class, e -> assertThat(e.size()).isEqualTo(257));
    }

    @Test
    void parse_rootWithMismatchedKeyId_throwsMalformed() {
        TestKeys.SigningKey k = TestKeys.ed25519();
        RootMetadata r = RootMetadata.builder().version(1).expires(Instant.parse("2027-01-01T00:00:00Z"))
                .rootKey(k.pub()).rootThreshold(1).updateKey(k.pub()).updateThreshold(1).build();
        String json = new String(r.toPayload(), StandardCharsets.UTF_8).replace(k.keyId(), "b".repeat(64));
        assertThatThrownBy(() -> RootMetadata.parse(b(json), L)).isInstanceOf(MalformedMetadataException.class);
        String threshold = new String(r.toPayload(), StandardCharsets.UTF_8).replace("\"threshold\":1}}}",
                "\"threshold\":2}}}");
        assertThatThrownBy(() -> RootMetadata.parse(b(threshold), L)).isInstanceOfSatisfying(
                MalformedMetadataException.class, e -> assertThat(e.getMessage()).contains("threshold"));
    }

    @Test
    void builder_badField_namesIt() {
        assertThatThrownBy(() -> UpdateMetadata.builder().version(1).hardwareId("hw").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> MetadataLimits.builder().maxSignatures(0).build())
                .hasMessageContaining("maxSignatures");
    }

    // DSSE protocol example: PAE("http://example.com/HelloWorld", "hello world").
    @Test
    void preAuthenticationEncoding_matchesDsseSpecExample() {
        byte[] pae = Envelope.preAuthenticationEncoding("http://example.com/HelloWorld", b("hello world"));
        assertThat(new String(pae, StandardCharsets.UTF_8))
                .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }
}
