package io.devsec.transport;

import io.devsec.testkit.SeededTrials;
import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.transport.internal.InboundGate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random topics and payloads: only valid messages pass the inbound gate, and nothing but InvalidMessageException escapes.
 * Seeded trials: a failure names the seed to replay with ({@code -Ddevsec.seed=N}).
 */
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

    private static final String[] LEVELS = {"devices", "dev1", "dev2", "cmd", "cfg", "x", "", "+", "#", "$SYS", "a\u0000b",
        "\u0007", "\ud800"};
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String[] PREFIXES = {"devices/dev1/cmd/", "devices/dev1/cfg/", "devices/dev1/",
        "devices/dev10/cmd/", "devices/dev1/cmd"};

    private static String structured(Random r) {
        return String.join("/", SeededTrials.list(r, 1, 6, g -> {
            int pick = g.nextInt(4);
            return pick < 2 ? SeededTrials.oneOf(g, LEVELS)
                    : pick == 2 ? SeededTrials.string(g, ALNUM, 0, 6) : SeededTrials.string(g, 6);
        }));
    }

    /** A topic: a namespace-like prefix plus levels (3 in 5), structured levels, or any string. */
    static String topic(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return structured(r);
            case 1:
            case 2:
            case 3:
                return SeededTrials.oneOf(r, PREFIXES) + structured(r);
            default:
                return SeededTrials.string(r, 40);
        }
    }

    /** A payload: 3 times in 4 within the gate's limit, else up to 200 bytes. */
    static byte[] payload(Random r) {
        return SeededTrials.bytes(r, r.nextInt(4) > 0 ? LIMIT : 200);
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

    @Test
    void gate_passesExactlyTheValidMessages() {
        int[] accepted = {0};
        int tries = 3000;
        long seed = SeededTrials.seed();
        SeededTrials.run("gate_passesExactlyTheValidMessages", tries, seed, r -> {
            String topic = topic(r);
            byte[] payload = payload(r);
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
            accepted[0] += passed ? 1 : 0;
        });
        // The generators must reach both outcomes (coverage of the property itself).
        assertThat(100.0 * accepted[0] / tries).as("accepted %% (seed %d)", seed).isGreaterThanOrEqualTo(2.0);
        assertThat(100.0 * (tries - accepted[0]) / tries).as("rejected %% (seed %d)", seed).isGreaterThanOrEqualTo(20.0);
    }

    @Test
    void gate_neverLetsAnythingOutsideTheNamespaceThrough() {
        SeededTrials.run("gate_neverLetsAnythingOutsideTheNamespaceThrough", 1000, r -> {
            String topic = topic(r);
            try {
                GATE.check(topic, new byte[0], 0, false, List.of("devices/dev1/#"));
                assertThat(topic).startsWith("devices/dev1/");
                assertThat(topic).doesNotContain("+", "#", "\u0000");
            } catch (InvalidMessageException expected) {
                // documented rejection
            }
        });
    }

    @Test
    void namespace_filterChecks_acceptOnlyFiltersThatStayInside() {
        SeededTrials.run("namespace_filterChecks_acceptOnlyFiltersThatStayInside", 1000, r -> {
            String filter = topic(r);
            String topic = topic(r);
            try {
                NS.checkTopicFilter(filter);
            } catch (TopicOutsideNamespaceException e) {
                return;
            }
            if (TopicNamespace.isWellFormedTopicName(topic) && TopicNamespace.matches(filter, topic)) {
                assertThat(topic).startsWith(NS.prefix());
            }
        });
    }

    @Test
    void gate_validatorThrowingRuntimeException_isReportedAsRejection() {
        InboundGate crashing = new InboundGate(NS, 1024, m -> {
            throw new IllegalStateException("validator bug");
        });
        SeededTrials.run("gate_validatorThrowingRuntimeException_isReportedAsRejection", 500, r -> {
            try {
                crashing.check("devices/dev1/cmd/a", payload(r), 1, false, FILTERS);
                throw new AssertionError("must not pass");
            } catch (InvalidMessageException e) {
                assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
            }
        });
    }
}
