package io.devsec.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityEvent.Source;
import io.devsec.core.events.SecurityEvent.Type;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventTest {

    static final Instant T = Instant.parse("2026-01-31T12:00:00Z");

    @Test
    void builder_defaultsSeverityFromType_andKeepsAttributesSorted() {
        SecurityEvent e = SecurityEvent.builder(Type.SIGNATURE_INVALID, Source.UPDATE).time(T)
                .attribute("role", "update").attribute("keyId", "k1").build();
        assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(e.attributes().keySet()).containsExactly("keyId", "role");
        assertThatThrownBy(() -> e.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void attribute_secretLookingName_refused() {
        for (String name : new String[] {"password", "newPassword", "secretKey", "authToken", "privateKey", "pinCode"}) {
            assertThatThrownBy(() -> SecurityEvent.builder(Type.LOGIN_FAILED, Source.CORE).attribute(name, "x"))
                    .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
        }
    }

    @Test
    void attribute_malformedName_refused() {
        for (String name : new String[] {"", "Upper", "with space", "x".repeat(49), "a\u0000"}) {
            assertThatThrownBy(() -> SecurityEvent.builder(Type.OTHER, Source.APPLICATION).attribute(name, "x"))
                    .as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void attribute_value_controlCharactersReplacedAndCut() {
        SecurityEvent e = SecurityEvent.builder(Type.INVALID_INPUT, Source.TRANSPORT).time(T)
                .attribute("topic", "a\nb\u0000c\u009b\ud800")
                .attribute("detail", "x".repeat(1000))
                .attribute("emoji", "\ud83d\ude00".repeat(200))
                .build();
        assertThat(e.attributes().get("topic")).isEqualTo("a\ufffdb\ufffdc\ufffd\ufffd");
        assertThat(e.attributes().get("detail")).hasSize(SecurityEvent.MAX_VALUE_LENGTH).endsWith("\u2026");
        String emoji = e.attributes().get("emoji");
        assertThat(emoji.length()).isLessThanOrEqualTo(SecurityEvent.MAX_VALUE_LENGTH);
        assertThat(Character.isHighSurrogate(emoji.charAt(emoji.length() - 2))).isFalse();
    }

    @Test
    void build_withoutTimeOrWithTooManyAttributes_refused() {
        assertThatThrownBy(() -> SecurityEvent.builder(Type.OTHER, Source.CORE).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("time");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= SecurityEvent.MAX_ATTRIBUTES; i++) {
            many.put("a" + i, "v");
        }
        assertThatThrownBy(() -> SecurityEvent.of(Type.OTHER, Source.CORE, T, many))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attributes");
    }

    @Test
    void equality_byAllFields() {
        SecurityEvent a = SecurityEvent.of(Type.LOGIN_FAILED, Source.CORE, T, Map.of("user", "admin"));
        SecurityEvent b = SecurityEvent.of(Type.LOGIN_FAILED, Source.CORE, T, Map.of("user", "admin"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(SecurityEvent.of(Type.LOGIN_FAILED, Source.CORE, T, Map.of("user", "root")));
        assertThat(a.toString()).contains("LOGIN_FAILED").contains("admin");
    }
}
