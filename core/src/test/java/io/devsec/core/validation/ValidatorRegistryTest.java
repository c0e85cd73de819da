package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.validation.ValidationException.Reason;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.Qos;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValidatorRegistryTest {

    static final byte[] PING = "{\"command\":\"check_update\",\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);

    static ValidationException refusal(ValidatorRegistry r, String topic, byte[] payload) {
        try {
            r.validate(topic, payload);
        } catch (ValidationException e) {
            return e;
        }
        throw new AssertionError("accepted " + topic);
    }

    @Test
    void validate_unregisteredTopic_refusedAsNoValidator() {
        ValidatorRegistry r = Validators.registry().register("devices/+/cmd/#", MessageSchemas.COMMAND);
        ValidationException e = refusal(r, "devices/d1/other", PING);
        assertThat(e.reason()).isEqualTo(Reason.NO_VALIDATOR);
        assertThat(e.path()).isEqualTo("topic");
        assertThat(refusal(Validators.registry(), "a/b", PING).reason()).isEqualTo(Reason.NO_VALIDATOR);
    }

    @Test
    void validate_registeredTopic_runsTheSchema() {
        ValidatorRegistry r = Validators.registry().register("devices/+/cmd/#", MessageSchemas.COMMAND);
        assertThatCode(() -> r.validate("devices/d1/cmd/reboot", PING)).doesNotThrowAnyException();
        assertThatCode(() -> r.validate("devices/d1/cmd", PING)).doesNotThrowAnyException();
        assertThat(refusal(r, "devices/d1/cmd/x", "{}".getBytes(StandardCharsets.UTF_8)).reason())
                .isEqualTo(Reason.MISSING_FIELD);
    }

    @Test
    void validate_malformedTopic_refusedAsInvalidTopic() {
        ValidatorRegistry r = Validators.registry().register("#", Validators.maxBytes(100));
        for (String topic : new String[] {"", "a/+/b", "a/#", "a\u0000b", "a\nb", "$SYS/x", "a\ud800"}) {
            assertThat(refusal(r, topic, PING).reason()).as(topic).isEqualTo(Reason.INVALID_TOPIC);
        }
    }

    @Test
    void validate_severalMatchingFilters_allMustPass() {
        AtomicInteger calls = new AtomicInteger();
        ValidatorRegistry r = Validators.registry()
                .register("devices/#", p -> calls.incrementAndGet())
                .register("devices/+/cmd", MessageSchemas.COMMAND);
        assertThatCode(() -> r.validate("devices/d/cmd", PING)).doesNotThrowAnyException();
        assertThat(calls).hasValue(1);
        assertThat(refusal(r, "devices/d/cmd", "nope".getBytes(StandardCharsets.UTF_8)).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(r.filters()).containsExactly("devices/#", "devices/+/cmd");
    }

    @Test
    void register_malformedFilter_refused() {
        for (String f : new String[] {"", "a/#/b", "a/b#", "a+/b", "$SYS/#", "a\u0001"}) {
            assertThatThrownBy(() -> Validators.registry().register(f, Validators.maxBytes(1)))
                    .as(f).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topicFilter");
        }
    }

    @Test
    void messageValidator_refusal_becomesInvalidMessageExceptionCarryingRuleAndPath() {
        MessageValidator v = Validators.messageValidator(Validators.registry()
                .register("devices/d/cmd", MessageSchemas.COMMAND));
        InboundMessage bad = new InboundMessage("devices/d/cmd",
                "{\"command\":\"check_update\",\"id\":\"1\",\"secret\":\"hunter2\"}".getBytes(StandardCharsets.UTF_8),
                Qos.AT_LEAST_ONCE, false);
        assertThatThrownBy(() -> v.validate(bad)).isInstanceOfSatisfying(InvalidMessageException.class, e -> {
            assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
            assertThat(e.topic()).isEqualTo("devices/d/cmd");
            assertThat(e.getCause()).as("no cause to unwrap").isNull();
            assertThat(e.rule()).contains(Reason.UNKNOWN_FIELD.name());
            assertThat(e.path()).contains("$.secret");
            assertThat(e.getMessage()).contains("UNKNOWN_FIELD").doesNotContain("hunter2");
        });
        assertThatCode(() -> v.validate(new InboundMessage("devices/d/cmd", PING, Qos.AT_MOST_ONCE, false)))
                .doesNotThrowAnyException();
    }

    @Test
    void messageValidator_validatorThrowingRuntimeException_failsClosed() {
        MessageValidator v = Validators.messageValidator(Validators.registry().register("#", p -> {
            throw new IllegalStateException("bug");
        }));
        assertThatThrownBy(() -> v.validate(new InboundMessage("a", PING, Qos.AT_MOST_ONCE, false)))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("IllegalStateException");
    }

    @Test
    void utf8Text_and_maxBytes_checkNonJsonPayloads() {
        PayloadValidator text = Validators.utf8Text(10);
        assertThatCode(() -> text.validate("hello\n".getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
        assertThatThrownBy(() -> text.validate(new byte[] {(byte) 0xff})).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ENCODING));
        assertThatThrownBy(() -> text.validate(new byte[] {'a', 0x1b})).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED));
        assertThatThrownBy(() -> text.validate(new byte[11])).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }
}
