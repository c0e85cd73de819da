package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonValueTest {

    private static JsonValue parse(String json) throws ValidationException {
        return StrictJson.DEFAULT.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void read_objectArrayAndScalars_throughThePublicApiOnly() throws Exception {
        JsonValue v = parse("{\"s\":\"x\",\"n\":7,\"d\":2.5,\"b\":true,\"z\":null,\"a\":[1,\"two\"]}");
        assertThat(v.kind()).isEqualTo(JsonValue.Kind.OBJECT);
        assertThat(v.fieldNames()).containsExactly("s", "n", "d", "b", "z", "a");
        assertThat(v.get("s").get().asString()).isEqualTo("x");
        assertThat(v.get("n").get().asLong()).isEqualTo(7);
        assertThat(v.get("d").get().asDouble()).isEqualTo(2.5);
        assertThat(v.get("b").get().asBoolean()).isTrue();
        assertThat(v.get("z").get().kind()).isEqualTo(JsonValue.Kind.NULL);
        assertThat(v.get("missing")).isEmpty();
        assertThat(v.get("a").get().elements()).extracting(JsonValue::kind)
                .containsExactly(JsonValue.Kind.NUMBER, JsonValue.Kind.STRING);
        assertThat(parse(v.toJson())).isEqualTo(v);
    }

    @Test
    void askedForTheWrongType_throwsIllegalState_andToStringHidesTheContent() throws Exception {
        JsonValue v = parse("{\"secret\":\"hunter2\",\"n\":2.5}");
        assertThatThrownBy(() -> v.get("secret").get().asLong()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> v.get("n").get().asLong()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> v.get(0)).isInstanceOf(IllegalStateException.class);
        assertThat(v.toString()).doesNotContain("hunter2");
    }
}
