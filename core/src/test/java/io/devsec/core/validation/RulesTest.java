package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.validation.ValidationException.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RulesTest {

    static final Schema DEVICE = Schema.of(Rules.object()
            .required("name", Rules.string(1, 8))
            .required("level", Rules.integer(0, 10))
            .optional("ratio", Rules.number(0, 1))
            .optional("mode", Rules.oneOf("eco", "fast"))
            .optional("tags", Rules.arrayOf(Rules.pattern("[a-z]+", 5), 0, 3))
            .optional("enabled", Rules.bool())
            .optional("at", Rules.instant())
            .optional("extra", Rules.mapOf("[a-z]+", 4, Rules.scalar(3), 2))
            .build());

    static ValidationException refusal(String json) {
        try {
            DEVICE.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (ValidationException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void schema_validDocument_passes() {
        assertThatCode(() -> DEVICE.validate(("{\"name\":\"pump\",\"level\":3,\"ratio\":0.25,\"mode\":\"eco\","
                + "\"tags\":[\"a\",\"bc\"],\"enabled\":true,\"at\":\"2026-01-31T12:00:00Z\",\"extra\":{\"k\":\"v\",\"n\":2}}")
                .getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    }

    @Test
    void object_missingRequiredField_namesItsPath() {
        ValidationException e = refusal("{\"name\":\"pump\"}");
        assertThat(e.reason()).isEqualTo(Reason.MISSING_FIELD);
        assertThat(e.path()).isEqualTo("$.level");
    }

    @Test
    void object_unknownField_refused() {
        ValidationException e = refusal("{\"name\":\"pump\",\"level\":1,\"admin\":true}");
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(e.path()).isEqualTo("$.admin");
        assertThat(e.expected()).contains("name").contains("level");
    }

    @Test
    void object_allowUnknownFields_ignoresThem() throws Exception {
        Schema lax = Schema.of(Rules.object().required("a", Rules.bool()).allowUnknownFields().build());
        lax.validate("{\"a\":true,\"b\":[1]}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void object_notAnObject_wrongType() {
        assertThat(refusal("[]").reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal("[]").path()).isEqualTo("$");
    }

    @Test
    void integer_outOfRangeOrWrongType_refusedWithExpectation() {
        ValidationException e = refusal("{\"name\":\"p\",\"level\":11}");
        assertThat(e.reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(e.expected()).isEqualTo("an integer from 0 to 10");
        assertThat(refusal("{\"name\":\"p\",\"level\":1.0}").reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal("{\"name\":\"p\",\"level\":\"1\"}").reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal("{\"name\":\"p\",\"level\":99999999999999999999}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":-1}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
    }

    @Test
    void number_range_checkedExactly() {
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"ratio\":1.0000000000001}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"ratio\":1e300}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"ratio\":-1e-300}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"ratio\":\"0.5\"}").reason()).isEqualTo(Reason.WRONG_TYPE);
    }

    @Test
    void string_lengthAndControlCharacters_checked() {
        assertThat(refusal("{\"name\":\"\",\"level\":1}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"123456789\",\"level\":1}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"a\\u0007b\",\"level\":1}").reason()).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(refusal("{\"name\":\"a\\u009bb\",\"level\":1}").reason()).isEqualTo(Reason.NOT_ALLOWED);
        // Eight emoji are eight characters (code points), not sixteen.
        assertThatCode(() -> DEVICE.validate("{\"name\":\"\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\",\"level\":1}"
                .getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    }

    @Test
    void oneOf_otherValue_notAllowed() {
        ValidationException e = refusal("{\"name\":\"p\",\"level\":1,\"mode\":\"turbo\"}");
        assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(e.path()).isEqualTo("$.mode");
        assertThat(e.expected()).contains("eco").contains("fast");
        assertThat(e.getMessage()).doesNotContain("turbo");
    }

    @Test
    void array_elementPathAndCount() {
        ValidationException e = refusal("{\"name\":\"p\",\"level\":1,\"tags\":[\"ok\",\"NOPE\"]}");
        assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(e.path()).isEqualTo("$.tags[1]");
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"tags\":[\"a\",\"b\",\"c\",\"d\"]}").reason())
                .isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"tags\":[\"toolong\"]}").reason()).isEqualTo(Reason.OUT_OF_RANGE);
    }

    @Test
    void mapOf_keysValuesAndSize_checked() {
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"extra\":{\"K\":1}}").path()).isEqualTo("$.extra.K");
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"extra\":{\"a b\":1}}").path()).isEqualTo("$.extra['a b']");
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"extra\":{\"a\":{}}}").reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"extra\":{\"a\":1,\"b\":2,\"c\":3}}").reason())
                .isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"extra\":{\"a\":\"long\"}}").path()).isEqualTo("$.extra.a");
    }

    @Test
    void instant_malformed_notAllowed() {
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"at\":\"yesterday\"}").reason()).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(refusal("{\"name\":\"p\",\"level\":1,\"at\":\"2026-13-01T00:00:00Z\"}").reason()).isEqualTo(Reason.NOT_ALLOWED);
    }

    @Test
    void anyOf_and_custom_compose() throws Exception {
        Rule evenOrWord = Rules.anyOf(Rules.integer(0, 100).and(Rules.custom("an even number", n -> n.asLong() % 2 == 0)),
                Rules.oneOf("none"));
        Schema s = Schema.of(Rules.arrayOf(evenOrWord, 0, 10));
        s.validate("[2,4,\"none\"]".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> s.validate("[2,3]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.RULE_FAILED);
                    assertThat(e.path()).isEqualTo("$[1]");
                });
        Rule throwing = Rules.custom("anything", n -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> throwing.check(null, "$")).isInstanceOf(ValidationException.class);
    }

    @Test
    void builders_refuseBadDeclarations() {
        assertThatThrownBy(() -> Rules.object().required("a", Rules.any()).optional("a", Rules.any()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Rules.integer(5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rules.string(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rules.oneOf()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rules.number(0, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }
}
