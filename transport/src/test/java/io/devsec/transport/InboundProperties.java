package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.transport.internal.InboundGate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Random topics and payloads: only valid messages pass the inbound gate, and nothing but InvalidMessageException escapes. */
class InboundProperties {
    static final TopicNamespace NS = TopicNamespace.forDevice("dev1");
    static final List<String> FILTERS = List.of("devices/dev1/cmd/#", "devices/dev1/cfg/+");
    static final int LIMIT = 128;
    static final MessageValidator NO_X = m -> {
        if (new String(m.payload(), StandardCharsets.ISO_8859_1).contains("X")) {
            throw InvalidMessageException.rejected(m.topic(), "contains X");
        }
    };
    static final InboundGate GATE = new InboundGate(NS, LIMIT, NO_X);

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> level = Arbitraries.oneOf(
                Arbitraries.of("devices", "dev1", "dev2", "cmd", "cfg", "x", "", "+", "#", "$SYS", "a\u0000b", "\u0007", "\ud800"),
                Arbitraries.strings().ofMaxLength(6));
        Arbitrary<String> structured = level.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l));
        Arbitrary<String> prefixed = Combinators.combine(Arbitraries.of("devices/dev1/cmd/", "devices/dev1/cfg/", "devices/dev1/",
                "devices/dev10/cmd/", "devices/dev1/cmd"), structured).as((p, s) -> p + s);
        return Arbitraries.oneOf(structured, prefixed, Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    static boolean expectedValid(String topic, byte[] payload) {
        if (payload.length > LIMIT || !TopicNamespace.isWellFormedTopicName(topic) || !topic.startsWith("devices/dev1/")) {
            return false;
        }
        if (topic.length() == "devices/dev1/".length()) {
            return false;
        }
        boolean sub = FILTERS.stream().anyMatch(f -> TopicNamespace.matches(f, topic));
        return sub && !new String(payload, StandardCharsets.ISO_8859_1).contains("X");
    }

    @Property(tries = 3000)
    void gate_passesExactlyTheValidMessages(@ForAll("topics") String topic, @ForAll("payloads") byte[] payload) {
        boolean passed;
        try {
            InboundMessage m = GATE.check(topic, payload, 1, false, FILTERS);
            passed = true;
            assertThat(m.topic()).isEqualTo(topic).startsWith(NS.prefix());
            assertThat(m.payload()).isEqualTo(payload);
        } catch (InvalidMessageException e) {
            passed = false;
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).doesNotContain("\u0000");
        }
        assertThat(passed).isEqualTo(expectedValid(topic, payload));
        Statistics.collect(passed ? "accepted" : "rejected");
        Statistics.coverage(c -> {
            c.check("accepted").percentage(p -> p >= 2.0);
            c.check("rejected").percentage(p -> p >= 20.0);
        });
    }

    @Property(tries = 1000)
    void gate_neverLetsAnythingOutsideTheNamespaceThrough(@ForAll("topics") String topic) {
        try {
            GATE.check(topic, new byte[0], 0, false, List.of("devices/dev1/#"));
            assertThat(topic).startsWith("devices/dev1/");
            assertThat(topic).doesNotContain("+", "#", "\u0000");
        } catch (InvalidMessageException expected) {
            // documented rejection
        }
    }

    @Property(tries = 1000)
    void namespace_filterChecks_acceptOnlyFiltersThatStayInside(@ForAll("topics") String filter, @ForAll("topics") String topic) {
        try {
            NS.checkTopicFilter(filter);
        } catch (TopicOutsideNamespaceException e) {
            return;
        }
        if (TopicNamespace.isWellFormedTopicName(topic) && TopicNamespace.matches(filter, topic)) {
            assertThat(topic).startsWith(NS.prefix());
        }
    }

    @Property(tries = 500)
    void gate_validatorThrowingRuntimeException_isReportedAsRejection(@ForAll("payloads") byte[] payload) {
        InboundGate crashing = new InboundGate(NS, 1024, m -> {
            throw new IllegalStateException("validator bug");
        });
        try {
            crashing.check("devices/dev1/cmd/a", payload, 1, false, FILTERS);
            throw new AssertionError("must not pass");
        } catch (InvalidMessageException e) {
            assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
        }
    }
}
