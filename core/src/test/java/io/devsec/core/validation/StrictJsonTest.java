package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.validation.ValidationException.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    static final JsonLimits SMALL = JsonLimits.builder().maxDocumentBytes(200).maxDepth(3).maxStringLength(10)
            .maxFieldNameLength(8).maxNumberLength(5).maxEntries(4).build();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ValidationException refusal(JsonLimits limits, String json) {
        try {
            StrictJson.of(limits).parse(utf8(json));
        } catch (ValidationException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void parse_withinLimits_returnsTree() throws Exception {
        JsonValue n = StrictJson.of(SMALL).parse(utf8("{\"a\":[1,2.5,\"x\",null],\"b\":{\"c\":-12}}"));
        assertThat(n.get("a").get().size()).isEqualTo(4);
        assertThat(n.get("a").get().get(1).asBigDecimal()).isEqualByComparingTo("2.5");
        assertThat(n.get("a").get().get(3).kind()).isEqualTo(JsonValue.Kind.NULL);
        assertThat(n.get("b").get().get("c").get().asLong()).isEqualTo(-12);
        assertThat(n.toString()).isEqualTo("JsonValue{OBJECT, 2 entries}");
    }

    @Test
    void parse_eachLimit_refusedWithItsReasonAndPath() {
        assertThat(refusal(SMALL, "\"" + "x".repeat(300) + "\"").reason()).isEqualTo(Reason.TOO_LARGE);
        ValidationException deep = refusal(SMALL, "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}");
        assertThat(deep.reason()).isEqualTo(Reason.TOO_DEEP);
        assertThat(deep.path()).isEqualTo("$.a.b.c");
        ValidationException str = refusal(SMALL, "{\"k\":[\"0123456789A\"]}");
        assertThat(str.reason()).isEqualTo(Reason.STRING_TOO_LONG);
        assertThat(str.path()).isEqualTo("$.k[0]");
        assertThat(refusal(SMALL, "{\"k\":\"" + "x".repeat(100) + "\"}").reason()).isEqualTo(Reason.STRING_TOO_LONG);
        assertThat(refusal(SMALL, "{\"longname9\":1}").reason()).isEqualTo(Reason.STRING_TOO_LONG);
        ValidationException num = refusal(SMALL, "{\"n\":123456}");
        assertThat(num.reason()).isEqualTo(Reason.NUMBER_TOO_LONG);
        assertThat(num.path()).isEqualTo("$.n");
        assertThat(refusal(SMALL, "[1e99999]").reason()).isEqualTo(Reason.NUMBER_TOO_LONG);
        assertThat(refusal(SMALL, "[" + "1".repeat(80) + "]").reason()).isEqualTo(Reason.NUMBER_TOO_LONG);
        assertThat(refusal(SMALL, "[1,2,3,4,5]").reason()).isEqualTo(Reason.TOO_MANY_ENTRIES);
        assertThat(refusal(SMALL, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}").reason()).isEqualTo(Reason.TOO_MANY_ENTRIES);
    }

    @Test
    void parse_veryDeepNesting_refusedAsTooDeepWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonLimits big = JsonLimits.builder().maxDocumentBytes(1 << 20).build();
        assertThat(refusal(big, deep).reason()).isEqualTo(Reason.TOO_DEEP);
    }

    @Test
    void parse_duplicateKey_refusedNamingTheKey() {
        ValidationException e = refusal(JsonLimits.DEFAULT, "{\"a\":{\"x\":1,\"x\":2}}");
        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_KEY);
        assertThat(e.path()).isEqualTo("$.a.x");
    }

    @Test
    void parse_trailingData_refused() {
        for (String json : new String[] {"{} {}", "{}x", "1 2", "{}]", "[] // comment", "{}\u0000"}) {
            assertThat(refusal(JsonLimits.DEFAULT, json).reason()).as(json).isEqualTo(Reason.TRAILING_DATA);
        }
    }

    @Test
    void parse_trailingWhitespace_accepted() throws Exception {
        assertThat(StrictJson.DEFAULT.parse(utf8(" {\"a\":1}\n\t ")).get("a").get().asLong()).isEqualTo(1);
    }

    @Test
    void parse_malformed_refused() {
        for (String json : new String[] {"", "   ", "{", "{\"a\"}", "{'a':1}", "[1,]", "{\"a\":01}", "NaN", "[Infinity]",
            "{\"a\":1,}", "tru", "\"unterminated"}) {
            assertThat(refusal(JsonLimits.DEFAULT, json).reason()).as(json).isEqualTo(Reason.MALFORMED);
        }
    }

    @Test
    void parse_invalidUtf8_refusedAsInvalidEncoding() {
        byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        byte[] lone = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        byte[] utf16 = "\"a\"".getBytes(StandardCharsets.UTF_16);
        for (byte[] b : new byte[][] {overlong, lone, utf16}) {
            assertThatThrownBy(() -> StrictJson.DEFAULT.parse(b)).isInstanceOf(ValidationException.class)
                    .extracting(e -> ((ValidationException) e).reason()).isEqualTo(Reason.INVALID_ENCODING);
        }
    }

    @Test
    void parse_escapedUnpairedSurrogate_refusedAsInvalidEncoding() {
        assertThat(refusal(JsonLimits.DEFAULT, "[\"\\ud800\"]").reason()).isEqualTo(Reason.INVALID_ENCODING);
        // Jackson itself refuses an unpaired surrogate in a field name, as malformed JSON.
        assertThat(refusal(JsonLimits.DEFAULT, "{\"\\udc00\":1}").reason()).isIn(Reason.INVALID_ENCODING, Reason.MALFORMED);
    }

    @Test
    void parse_escapedPairedSurrogate_accepted() throws Exception {
        assertThat(StrictJson.DEFAULT.parse(utf8("\"\\ud83d\\ude00\"")).asString()).isEqualTo("\ud83d\ude00");
    }

    /** Values never appear in a refusal; field names do (in the path), escaped and cut to 40 characters. */
    @Test
    void refusal_neverEchoesTheInput() {
        String secret = "hunter2-SECRET-value";
        for (String json : new String[] {"{\"password\":" + secret + "}", "[\"" + secret + "\"," + secret + "]", secret,
            "{\"a\":\"" + secret + "\",\"a\":2}", "[\"" + secret + "\"] " + secret}) {
            ValidationException e = refusal(JsonLimits.DEFAULT, json);
            assertThat(e.getMessage()).as(json).doesNotContain("hunter2");
        }
    }

    @Test
    void path_hostileFieldName_isEscapedAndCut() {
        String name = "a\u0000b\n\"c" + "x".repeat(100);
        ValidationException e = refusal(JsonLimits.DEFAULT, "{\"" + name.replace("\u0000", "\\u0000").replace("\n", "\\n")
                .replace("\"", "\\\"") + "\":1,\"" + name.replace("\u0000", "\\u0000").replace("\n", "\\n")
                .replace("\"", "\\\"") + "\":2}");
        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_KEY);
        assertThat(e.path()).doesNotContain("\u0000").doesNotContain("\n").hasSizeLessThanOrEqualTo(
                ValidationException.MAX_PATH_LENGTH + 3);
        assertThat(e.getMessage()).doesNotContain("x".repeat(60));
    }

    @Test
    void limits_builder_namesTheBadField() {
        assertThatThrownBy(() -> JsonLimits.builder().maxDepth(-1).build()).hasMessageContaining("maxDepth");
        assertThatThrownBy(() -> JsonLimits.builder().maxDocumentBytes(0).build()).hasMessageContaining("maxDocumentBytes");
        assertThatThrownBy(() -> JsonLimits.builder().maxDepth(JsonLimits.MAX_DEPTH_CEILING + 1).build())
                .hasMessageContaining("maxDepth");
    }
}
