package io.devsec.core.validation;

import static io.devsec.testkit.SeededTrials.between;
import static io.devsec.testkit.SeededTrials.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.testkit.SeededTrials;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes each boundary this package owns: whatever comes in, the only failure is a typed
 * {@link ValidationException} (or the boundary's own typed exception), and nothing that breaks the
 * rules reaches the application. An independent, lenient reading (plain Jackson plus hand checks)
 * acts as the oracle for what "valid" means. Seeded trials: a failure names the seed to replay with
 * ({@code -Ddevsec.seed=N}).
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

    @BeforeAll
    static void makeTempDir() throws Exception {
        tempDir = Files.createTempDirectory("devsec-fuzz");
    }

    @AfterAll
    static void removeTempDir() throws Exception {
        try (var files = Files.list(tempDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(tempDir);
    }

    // ------------------------------------------------------------------ generators

    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\"command\"", "\"id\"", "\"args\"",
        "\"issuedAt\"", "\"ping\"", "\"reboot\"", "\"c-1\"", "1", "-0", "1e999", "0.5", "-1.5E-7", "true", "false",
        "null", "\"\\u0000\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", " ", "\n", "\"a\"", "x", "\u0000", "\uffff",
        "\ud800", "\ud83d\ude00", "123456789012345678901234567890", "\"2026-01-31T12:00:00Z\"", "\\", "/*", "NaN",
        "\"version\"", "\"metrics\"", "\"seq\"", "\"time\"", "\"serialNumber\"", "\"initialPassword\"", "\"SN-1\"",
        "\"password123\"", "{\"a\":", "[[[[[[[[", "]]]]]]]]"};
    private static final Character[] EDIT_CHARS = {'{', '}', '[', ']', '"', ',', ':', '\\', '0', '9', 'e', '-', '.', ' ',
        '\u0000', '\u0085', 'x', 'Z'};
    private static final String[] TOPICS = {"devices/d1/cmd", "devices/d1/cmd/reboot", "devices/d1/cmd/a/b", "devices/d2/cmd",
        TELEMETRY_TOPIC, "devices/d1/other", "", "devices/+/cmd", "devices/d1/cmd/#", "devices/d1/cmd\u0000",
        "$SYS/x", "#", "devices/d1/cmd/\ud800", "devices//cmd", "devices/d1/telemetry/"};
    static final String VALID_RECORD =
            "{\"version\":1,\"serialNumber\":\"SN-0001\",\"initialPassword\":\"correct horse battery\"}";

    /** Up to 60 JSON-ish tokens run together. */
    static String jsonish(Random r) {
        return String.join("", SeededTrials.list(r, 0, 60, g -> oneOf(g, TOKENS)));
    }

    /** A valid document with 0 to 4 random character edits (insert, delete, replace). */
    static String mutated(Random r, String valid) {
        StringBuilder b = new StringBuilder(valid);
        int edits = SeededTrials.length(r, 0, 4);
        for (int i = 0; i < edits; i++) {
            int kind = between(r, 0, 2);
            int pos = between(r, 0, 10_000) % (b.length() + 1);
            char c = r.nextBoolean() ? oneOf(r, EDIT_CHARS) : SeededTrials.anyChar(r);
            if (kind == 0) {
                b.insert(pos, c);
            } else if (kind == 1 && pos < b.length()) {
                b.deleteCharAt(pos);
            } else if (pos < b.length()) {
                b.setCharAt(pos, c);
            }
        }
        return b.toString();
    }

    /** A topic: half the time a known one (registered or near it), else random text. */
    static String topic(Random r) {
        switch (r.nextInt(4)) {
            case 0:
            case 1:
                return oneOf(r, TOPICS);
            case 2:
                return SeededTrials.string(r, 30);
            default:
                return SeededTrials.string(r, "devics/1cmd+#$\u0000", 0, 24);
        }
    }

    /** A payload: JSON-ish text, an edited valid command or telemetry, a valid command (twice the weight), or bytes. */
    static byte[] payload(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return jsonish(r).getBytes(StandardCharsets.UTF_8);
            case 1:
                return mutated(r, VALID_COMMAND).getBytes(StandardCharsets.UTF_8);
            case 2:
                return mutated(r, VALID_TELEMETRY).getBytes(StandardCharsets.UTF_8);
            case 3:
            case 4:
                return validCommand(r);
            default:
                return SeededTrials.bytes(r, 200);
        }
    }

    private static final String ID_CHARS = SeededTrials.range('a', 'z') + SeededTrials.range('0', '9') + "._:-";
    private static final String KEY_CHARS = SeededTrials.range('a', 'z') + "_0123456789";
    private static final String TEXT_CHARS = SeededTrials.range(' ', '~') + SeededTrials.range('\u00a0', '\ud7ff');

    /** A command that obeys the format: a DevSec command, an id, and (or not) up to 16 plain arguments. */
    static byte[] validCommand(Random r) {
        String command = oneOf(r, MessageSchemas.DEVSEC_COMMANDS.toArray(new String[0]));
        String id = SeededTrials.string(r, ID_CHARS, 1, 64);
        Map<String, Object> args = new LinkedHashMap<>();
        int n = SeededTrials.length(r, 0, 16);
        for (int i = 0; i < n; i++) {
            String key = (char) between(r, 'a', 'z') + SeededTrials.string(r, KEY_CHARS, 0, 10);
            Object value;
            switch (r.nextInt(4)) {
                case 0:
                    value = SeededTrials.string(r, TEXT_CHARS, 0, 40);
                    break;
                case 1:
                    value = r.nextLong();
                    break;
                case 2:
                    value = r.nextBoolean() ? r.nextDouble() * Math.pow(10, between(r, -300, 300))
                            : oneOf(r, 0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -1.0);
                    break;
                default:
                    value = r.nextBoolean();
            }
            args.put(key, value);
        }
        ObjectNode node = LENIENT.createObjectNode().put("command", command).put("id", id);
        if (r.nextBoolean()) {
            node.set("args", LENIENT.valueToTree(args));
        }
        try {
            return LENIENT.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String record(Random r) {
        return r.nextBoolean() ? jsonish(r) : mutated(r, VALID_RECORD);
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

    @Test
    void strictJson_anyBytes_onlyTypedRefusal() {
        SeededTrials.run("strictJson_anyBytes_onlyTypedRefusal", 1000, r -> {
            try {
                StrictJson.DEFAULT.parse(SeededTrials.bytes(r, 300));
            } catch (ValidationException e) {
                assertThat(e.reason()).isNotNull();
            }
        });
    }

    @Test
    void commandSchema_jsonishText_onlyTypedRefusal_andAcceptedIsValid() {
        SeededTrials.run("commandSchema_jsonishText_onlyTypedRefusal_andAcceptedIsValid", 1500, r -> {
            byte[] payload = jsonish(r).getBytes(StandardCharsets.UTF_8);
            try {
                CommandMessage.parse(payload);
            } catch (ValidationException e) {
                assertThat(e.getMessage().length()).isLessThan(600);
                return;
            }
            assertIsValidCommand(payload);
        });
    }

    @Test
    void commandSchema_mutatedCommand_acceptedOnlyWhenValid() {
        long seed = SeededTrials.seed();
        int accepted = mutatedCommandCampaign("commandSchema_mutatedCommand_acceptedOnlyWhenValid", 1500, seed);
        assertThat(accepted).as("mutated commands accepted (generator coverage, seed %d)", seed).isGreaterThanOrEqualTo(20);
    }

    private static int mutatedCommandCampaign(String name, int tries, long seed) {
        int[] accepted = {0};
        SeededTrials.run(name, tries, seed, r -> {
            byte[] payload = mutated(r, VALID_COMMAND).getBytes(StandardCharsets.UTF_8);
            try {
                CommandMessage.parse(payload);
            } catch (ValidationException e) {
                return;
            }
            accepted[0]++;
            assertIsValidCommand(payload);
        });
        return accepted[0];
    }

    @Test
    void commandSchema_generatedValidCommand_isAccepted() {
        SeededTrials.run("commandSchema_generatedValidCommand_isAccepted", 500, r -> {
            byte[] payload = validCommand(r);
            CommandMessage m = CommandMessage.parse(payload);
            assertThat(m.devsecCommand()).isPresent();
            assertIsValidCommand(payload);
        });
    }

    @Test
    void mqttAdapter_randomTopicsAndPayloads_onlyValidMessagesPass() {
        long seed = SeededTrials.seed();
        int passed = mqttAdapterCampaign("mqttAdapter_randomTopicsAndPayloads_onlyValidMessagesPass", 2000, seed);
        assertThat(passed).as("messages that passed (generator coverage, seed %d)", seed).isGreaterThanOrEqualTo(50);
    }

    private static int mqttAdapterCampaign(String name, int tries, long seed) {
        MessageValidator validator = Validators.messageValidator(Validators.registry()
                .register(CMD_FILTER, MessageSchemas.COMMAND)
                .register(TELEMETRY_TOPIC, MessageSchemas.TELEMETRY));
        int[] passed = {0};
        SeededTrials.run(name, tries, seed, r -> {
            String topic = topic(r);
            byte[] payload = payload(r);
            InboundMessage message = new InboundMessage(topic, payload, Qos.AT_LEAST_ONCE, false);
            try {
                validator.validate(message);
            } catch (InvalidMessageException e) {
                assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR);
                assertThat(e.rule()).isPresent();
                assertThat(e.getCause()).isNull();
                return;
            }
            // It reached the application: the topic is registered and the payload obeys its format.
            passed[0]++;
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
        });
        return passed[0];
    }

    /** A long campaign of the adapter property, outside the default run ({@code -Pslow}). */
    @Tag("slow")
    @Test
    void slow_mqttAdapter_longCampaign() {
        mqttAdapterCampaign("slow_mqttAdapter_longCampaign", 200_000, SeededTrials.seed());
    }

    /** A long campaign of the mutated-command property, outside the default run. */
    @Tag("slow")
    @Test
    void slow_mutatedCommand_longCampaign() {
        mutatedCommandCampaign("slow_mutatedCommand_longCampaign", 200_000, SeededTrials.seed());
    }

    @Test
    void eventLine_jsonishText_onlyTypedRefusal() {
        SeededTrials.run("eventLine_jsonishText_onlyTypedRefusal", 1000, r -> {
            String text = jsonish(r);
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
        });
    }

    @Test
    void configFile_randomContent_onlyTypedRefusal() {
        SeededTrials.run("configFile_randomContent_onlyTypedRefusal", 300, r -> {
            Path f = tempDir.resolve("config.json");
            Files.write(f, payload(r));
            try {
                ConfigFiles.read(f, MessageSchemas.TELEMETRY);
            } catch (ValidationException e) {
                assertThat(e.reason()).isNotNull();
            }
        });
    }

    @Test
    void provisioningRecord_randomText_onlyTypedRefusal_neverEchoesPassword() {
        SeededTrials.run("provisioningRecord_randomText_onlyTypedRefusal_neverEchoesPassword", 1000, r -> {
            String text = record(r);
            List<String> messages = new ArrayList<>();
            try {
                ProvisioningRecord rec = ProvisioningRecord.parse(text.getBytes(StandardCharsets.UTF_8));
                assertThat(rec.serialNumber()).matches("[A-Za-z0-9._-]{1,64}");
                rec.destroy();
            } catch (InvalidProvisioningRecordException e) {
                messages.add(e.getMessage());
            }
            for (String m : messages) {
                assertThat(m).doesNotContain("horse battery");
            }
        });
    }
}
