package io.devsec.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.ProvisioningRecord;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.MessageValidator;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes each boundary this package owns: whatever comes in, the only failure is a typed
 * {@link ValidationException} (or the boundary's own typed exception), and nothing that breaks the
 * rules reaches the application. An independent, lenient reading (plain Jackson plus hand checks)
 * acts as the oracle for what "valid" means.
 */
class ValidationFuzzProperties {

    static final ObjectMapper LENIENT = new ObjectMapper();
    static final Pattern ID = Pattern.compile(MessageSchemas.COMMAND_ID_PATTERN);
    static final Pattern ARG = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    static final String CMD_FILTER = "devices/d1/cmd/#";
    static final String TELEMETRY_TOPIC = "devices/d1/telemetry";
    static final String VALID_COMMAND = "{\"command\":\"check_update\",\"id\":\"c-1\",\"issuedAt\":\"2026-01-31T12:00:00Z\","
            + "\"args\":{\"delay\":5,\"why\":\"x\",\"f\":true}}";
    static final String VALID_TELEMETRY = "{\"version\":1,\"time\":\"2026-01-31T12:00:00Z\",\"seq\":42,"
            + "\"metrics\":{\"t\":21.5,\"door\":\"open\"}}";

    static Path tempDir;

    @BeforeContainer
    static void makeTempDir() throws Exception {
        tempDir = Files.createTempDirectory("devsec-fuzz");
    }

    @AfterContainer
    static void removeTempDir() throws Exception {
        try (var files = Files.list(tempDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(tempDir);
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\"command\"", "\"id\"", "\"args\"",
                "\"issuedAt\"", "\"ping\"", "\"reboot\"", "\"c-1\"", "1", "-0", "1e999", "0.5", "-1.5E-7", "true", "false",
                "null", "\"\\u0000\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", " ", "\n", "\"a\"", "x", "\u0000", "\uffff",
                "\ud800", "\ud83d\ude00", "123456789012345678901234567890", "\"2026-01-31T12:00:00Z\"", "\\", "/*", "NaN",
                "\"version\"", "\"metrics\"", "\"seq\"", "\"time\"", "\"serialNumber\"", "\"initialPassword\"", "\"SN-1\"",
                "\"password123\"", "{\"a\":", "[[[[[[[[", "]]]]]]]]");
        return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    /** A valid document with a few random character edits (insert, delete, replace). */
    static Arbitrary<String> mutated(String valid) {
        Arbitrary<Character> chars = Arbitraries.oneOf(Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '0', '9',
                'e', '-', '.', ' ', '\u0000', '\u0085', 'x', 'Z'), Arbitraries.chars());
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000), chars.map(c -> (int) c))
                .as((kind, pos, c) -> new int[] {kind, pos, c});
        return edit.list().ofMinSize(0).ofMaxSize(4).map(edits -> {
            StringBuilder b = new StringBuilder(valid);
            for (int[] e : edits) {
                int pos = e[1] % (b.length() + 1);
                if (e[0] == 0) {
                    b.insert(pos, (char) e[2]);
                } else if (e[0] == 1 && pos < b.length()) {
                    b.deleteCharAt(pos);
                } else if (pos < b.length()) {
                    b.setCharAt(pos, (char) e[2]);
                }
            }
            return b.toString();
        });
    }

    @Provide
    Arbitrary<String> mutatedCommand() {
        return mutated(VALID_COMMAND);
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.oneOf(
                Arbitraries.of("devices/d1/cmd", "devices/d1/cmd/reboot", "devices/d1/cmd/a/b", "devices/d2/cmd",
                        TELEMETRY_TOPIC, "devices/d1/other", "", "devices/+/cmd", "devices/d1/cmd/#", "devices/d1/cmd\u0000",
                        "$SYS/x", "#", "devices/d1/cmd/\ud800", "devices//cmd", "devices/d1/telemetry/"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars("devics/1cmd+#$\u0000").ofMaxLength(24));
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.oneOf(
                jsonish().map(s -> s.getBytes(StandardCharsets.UTF_8)),
                mutated(VALID_COMMAND).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                mutated(VALID_TELEMETRY).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                validCommands(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    @Provide
    Arbitrary<byte[]> validCommands() {
        Arbitrary<String> command = Arbitraries.of(MessageSchemas.DEVSEC_COMMANDS);
        Arbitrary<String> id = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("._:-")
                .ofMinLength(1).ofMaxLength(64);
        Arbitrary<String> key = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings().withCharRange('a', 'z').withChars("_0123456789").ofMaxLength(10))
                .as((c, s) -> c + s);
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\ud7ff').ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b));
        Arbitrary<Map<String, Object>> args = Arbitraries.maps(key, value).ofMaxSize(16);
        return Combinators.combine(command, id, args, Arbitraries.of(true, false)).as((c, i, a, withArgs) -> {
            ObjectNode n = LENIENT.createObjectNode().put("command", c).put("id", i);
            if (withArgs) {
                n.set("args", LENIENT.valueToTree(a));
            }
            try {
                return LENIENT.writeValueAsBytes(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ------------------------------------------------------------------ oracle

    /** Whether a lenient reading of an accepted command obeys every rule of the command format. */
    static void assertIsValidCommand(byte[] payload) throws Exception {
        JsonNode n = LENIENT.readTree(payload);
        assertThat(payload.length).isLessThanOrEqualTo(MessageSchemas.MAX_COMMAND_BYTES);
        assertThat(n.isObject()).isTrue();
        Set<String> allowed = Set.of("command", "id", "issuedAt", "args");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            assertThat(allowed).contains(it.next());
        }
        assertThat(MessageSchemas.DEVSEC_COMMANDS).contains(n.get("command").textValue());
        assertThat(ID.matcher(n.get("id").textValue()).matches()).isTrue();
        JsonNode args = n.get("args");
        if (args != null) {
            assertThat(args.isObject()).isTrue();
            assertThat(args.size()).isLessThanOrEqualTo(16);
            for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(ARG.matcher(e.getKey()).matches()).isTrue();
                JsonNode v = e.getValue();
                assertThat(v.isTextual() || v.isNumber() || v.isBoolean()).isTrue();
                if (v.isTextual()) {
                    assertThat(v.textValue().codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f))).isTrue();
                    assertThat(v.textValue().length()).isLessThanOrEqualTo(256);
                }
            }
        }
        CommandMessage m = CommandMessage.parse(payload);
        assertThat(m.command()).isEqualTo(n.get("command").textValue());
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 1000)
    void strictJson_anyBytes_onlyTypedRefusal(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            StrictJson.DEFAULT.parse(bytes);
        } catch (ValidationException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Property(tries = 1500)
    void commandSchema_jsonishText_onlyTypedRefusal_andAcceptedIsValid(@ForAll("jsonish") String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        try {
            CommandMessage.parse(payload);
        } catch (ValidationException e) {
            assertThat(e.getMessage().length()).isLessThan(600);
            return;
        }
        assertIsValidCommand(payload);
    }

    @Property(tries = 1500)
    void commandSchema_mutatedCommand_acceptedOnlyWhenValid(@ForAll("mutatedCommand") String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        boolean accepted;
        try {
            CommandMessage.parse(payload);
            accepted = true;
        } catch (ValidationException e) {
            accepted = false;
        }
        Statistics.label("accepted").collect(accepted);
        Statistics.label("accepted").coverage(c -> c.check(true).count(n -> n >= 20));
        if (accepted) {
            assertIsValidCommand(payload);
        }
    }

    @Property(tries = 500)
    void commandSchema_generatedValidCommand_isAccepted(@ForAll("validCommands") byte[] payload) throws Exception {
        CommandMessage m = CommandMessage.parse(payload);
        assertThat(m.devsecCommand()).isPresent();
        assertIsValidCommand(payload);
    }

    @Property(tries = 2000)
    void mqttAdapter_randomTopicsAndPayloads_onlyValidMessagesPass(@ForAll("topics") String topic,
            @ForAll("payloads") byte[] payload) throws Exception {
        MessageValidator validator = Validators.messageValidator(Validators.registry()
                .register(CMD_FILTER, MessageSchemas.COMMAND)
                .register(TELEMETRY_TOPIC, MessageSchemas.TELEMETRY));
        InboundMessage message = new InboundMessage(topic, payload, Qos.AT_LEAST_ONCE, false);
        Statistics.label("outcome").coverage(c -> c.check("passed").count(n -> n >= 50));
        try {
            validator.validate(message);
        } catch (InvalidMessageException e) {
            assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
            assertThat(e.getCause()).isInstanceOf(ValidationException.class);
            Statistics.label("outcome").collect("refused " + ((ValidationException) e.getCause()).reason());
            return;
        }
        // It reached the application: the topic is registered and the payload obeys its format.
        Statistics.label("outcome").collect("passed");
        assertThat(TopicNamespace.isWellFormedTopicName(topic)).isTrue();
        if (TopicNamespace.matches(CMD_FILTER, topic)) {
            assertIsValidCommand(payload);
        } else {
            assertThat(topic).isEqualTo(TELEMETRY_TOPIC);
            JsonNode n = LENIENT.readTree(payload);
            assertThat(n.get("version").intValue()).isEqualTo(1);
            assertThat(n.get("seq").canConvertToLong()).isTrue();
            assertThat(n.get("seq").longValue()).isNotNegative();
            assertThat(n.get("metrics").size()).isLessThanOrEqualTo(64);
            assertThat(n.size()).isEqualTo(4);
        }
    }

    /** A long campaign of the adapter property, outside the default run ({@code -Dgroups=slow}). */
    @Tag("slow")
    @Property(tries = 200_000)
    void slow_mqttAdapter_longCampaign(@ForAll("topics") String topic, @ForAll("payloads") byte[] payload)
            throws Exception {
        mqttAdapter_randomTopicsAndPayloads_onlyValidMessagesPass(topic, payload);
    }

    /** A long campaign of the mutated-command property, outside the default run. */
    @Tag("slow")
    @Property(tries = 200_000)
    void slow_mutatedCommand_longCampaign(@ForAll("mutatedCommand") String text) throws Exception {
        commandSchema_mutatedCommand_acceptedOnlyWhenValid(text);
    }

    @Property(tries = 1000)
    void eventLine_jsonishText_onlyTypedRefusal(@ForAll("jsonish") String text) {
        try {
            io.devsec.core.events.SecurityEventJson.parseEvent(text);
        } catch (ValidationException e) {
            assertThat(e.reason()).isNotNull();
        }
        try {
            io.devsec.core.events.SecurityEventJson.parseAlert(text);
        } catch (ValidationException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Property(tries = 300)
    void configFile_randomContent_onlyTypedRefusal(@ForAll("payloads") byte[] content) throws Exception {
        Path f = tempDir.resolve("config.json");
        Files.write(f, content);
        try {
            ConfigFiles.read(f, MessageSchemas.TELEMETRY);
        } catch (ValidationException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Provide
    Arbitrary<String> records() {
        return Arbitraries.oneOf(jsonish(),
                mutated("{\"version\":1,\"serialNumber\":\"SN-0001\",\"initialPassword\":\"correct horse battery\"}"));
    }

    @Property(tries = 1000)
    void provisioningRecord_randomText_onlyTypedRefusal_neverEchoesPassword(@ForAll("records") String text) {
        List<String> messages = new ArrayList<>();
        try {
            ProvisioningRecord r = ProvisioningRecord.parse(text.getBytes(StandardCharsets.UTF_8));
            assertThat(r.serialNumber()).matches("[A-Za-z0-9._-]{1,64}");
            r.destroy();
        } catch (InvalidProvisioningRecordException e) {
            messages.add(e.getMessage());
        }
        for (String m : messages) {
            assertThat(m).doesNotContain("horse battery");
        }
    }
}
