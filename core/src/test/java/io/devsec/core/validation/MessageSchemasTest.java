package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.validation.CommandMessage.DevSecCommand;
import io.devsec.core.validation.ValidationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageSchemasTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Reason commandRefusal(String json) {
        try {
            CommandMessage.parse(utf8(json));
        } catch (ValidationException e) {
            assertThat(e.getMessage()).doesNotContain("SECRET");
            return e.reason();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void command_valid_parsesToTypedMessage() throws Exception {
        CommandMessage m = CommandMessage.parse(utf8(
                "{\"command\":\"check_update\",\"id\":\"c-0001\",\"issuedAt\":\"2026-01-31T12:00:00Z\",\"args\":{\"delaySeconds\":5,\"reason\":\"maintenance\",\"force\":false}}"));
        assertThat(m.command()).isEqualTo("check_update");
        assertThat(m.devsecCommand()).contains(DevSecCommand.CHECK_UPDATE);
        assertThat(m.id()).isEqualTo("c-0001");
        assertThat(m.issuedAt()).contains(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(m.args().get("delaySeconds").get().asLong()).isEqualTo(5);
        assertThat(m.args().get("force").get().asBoolean()).isFalse();
        assertThat(m.args().fieldNames()).containsExactly("delaySeconds", "reason", "force");
        assertThat(m.toString()).doesNotContain("maintenance");
    }

    @Test
    void command_minimal_hasEmptyArgs() throws Exception {
        CommandMessage m = CommandMessage.parse(utf8("{\"id\":\"1\",\"command\":\"check_update\"}"));
        assertThat(m.args().size()).isZero();
        assertThat(m.issuedAt()).isEmpty();
    }

    @Test
    void command_eachKindOfBadInput_refusedWithItsReason() {
        assertThat(commandRefusal("{\"command\":\"format_disk\",\"id\":\"1\"}")).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(commandRefusal("{\"command\":\"check_update\"}")).isEqualTo(Reason.MISSING_FIELD);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"has space\"}")).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"" + "a".repeat(65) + "\"}")).isEqualTo(Reason.OUT_OF_RANGE);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"a\":{\"b\":1}}}")).isEqualTo(Reason.TOO_DEEP);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"a\":[1]}}")).isEqualTo(Reason.TOO_DEEP);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":[]}")).isEqualTo(Reason.WRONG_TYPE);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"a\":null}}")).isEqualTo(Reason.WRONG_TYPE);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"9a\":1}}")).isEqualTo(Reason.NOT_ALLOWED);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"sudo\":true}")).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"id\":\"2\"}")).isEqualTo(Reason.DUPLICATE_KEY);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\"}{}")).isEqualTo(Reason.TRAILING_DATA);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"s\":\"SECRET" + "x".repeat(300) + "\"}}"))
                .isEqualTo(Reason.STRING_TOO_LONG);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"p\":\"SECRET\u0001\"}}"))
                .isEqualTo(Reason.MALFORMED);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"args\":{\"p\":\"SECRET\\u0001\"}}"))
                .isEqualTo(Reason.NOT_ALLOWED);
        assertThat(commandRefusal("{\"command\":\"check_update\",\"id\":\"1\",\"pad\":\"" + "x".repeat(5000) + "\"}"))
                .isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void command_applicationCommands_useTheirOwnNames() throws Exception {
        Schema app = MessageSchemas.command(List.of("open_valve", "close_valve"));
        CommandMessage m = CommandMessage.parse(utf8("{\"command\":\"open_valve\",\"id\":\"x\"}"), app);
        assertThat(m.command()).isEqualTo("open_valve");
        assertThat(m.devsecCommand()).isEmpty();
        assertThatThrownBy(() -> CommandMessage.parse(utf8("{\"command\":\"check_update\",\"id\":\"x\"}"), app))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> MessageSchemas.command(List.of("Bad Name"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageSchemas.command(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void telemetry_validAndInvalid() {
        assertThatCode(() -> MessageSchemas.TELEMETRY.validate(utf8(
                "{\"version\":1,\"time\":\"2026-01-31T12:00:00Z\",\"seq\":42,\"metrics\":{\"temperature\":21.5,\"door\":\"open\",\"ok\":true}}")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> MessageSchemas.TELEMETRY.validate(utf8(
                "{\"version\":2,\"time\":\"2026-01-31T12:00:00Z\",\"seq\":42,\"metrics\":{}}")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.path()).isEqualTo("$.version"));
        assertThatThrownBy(() -> MessageSchemas.TELEMETRY.validate(utf8(
                "{\"version\":1,\"time\":\"2026-01-31T12:00:00Z\",\"seq\":-1,\"metrics\":{}}")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OUT_OF_RANGE));
        assertThatThrownBy(() -> MessageSchemas.TELEMETRY.validate(utf8(
                "{\"version\":1,\"time\":\"2026-01-31T12:00:00Z\",\"seq\":1,\"metrics\":{\"Temp\":1}}")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.path()).isEqualTo("$.metrics.Temp"));
    }

    @Test
    void devsecCommands_areTheEnumsJsonNames() {
        assertThat(MessageSchemas.DEVSEC_COMMANDS).containsExactly("check_update")
                .hasSize(DevSecCommand.values().length);
    }
}
