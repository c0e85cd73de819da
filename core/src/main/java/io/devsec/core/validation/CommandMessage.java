package io.devsec.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated command message (shape in {@link MessageSchemas}). Immutable.
 */
public final class CommandMessage {
    /**
     * The commands DevSec itself acts on when they arrive on its reserved topic
     * {@code devices/{deviceId}/devsec/cmd}; their JSON names are lower case with underscores. Only commands
     * DevSec carries out are listed: restarts, resets and wipes are the application's to offer, on its own
     * topics and with its own checks.
     */
    public enum DevSecCommand {
        /** Check for a software update now, with every update agent the device started ({@code UpdateAgent#checkNow}). */
        CHECK_UPDATE("check_update");

        private final String jsonName;

        DevSecCommand(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The name used in the {@code command} field. */
        public String jsonName() {
            return jsonName;
        }

        /** The command with this JSON name, if any. */
        public static Optional<DevSecCommand> fromJsonName(String name) {
            for (DevSecCommand c : values()) {
                if (c.jsonName.equals(name)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    private final String command;
    private final String id;
    private final Instant issuedAt;
    private final JsonValue args;

    private CommandMessage(String command, String id, Instant issuedAt, JsonValue args) {
        this.command = command;
        this.id = id;
        this.issuedAt = issuedAt;
        this.args = args;
    }

    /**
     * Parses a command for one of DevSec's own commands ({@link MessageSchemas#COMMAND}).
     *
     * @throws ValidationException when the payload is not a valid command message
     */
    public static CommandMessage parse(byte[] payload) throws ValidationException {
        return parse(payload, MessageSchemas.COMMAND);
    }

    /**
     * Parses a command under {@code schema}, made by {@link MessageSchemas#command}.
     *
     * @throws ValidationException when the payload does not obey the schema
     */
    public static CommandMessage parse(byte[] payload, Schema schema) throws ValidationException {
        JsonNode root = Objects.requireNonNull(schema, "schema").parse(payload).node();
        JsonNode c = root.get("command");
        JsonNode i = root.get("id");
        if (c == null || !c.isTextual() || i == null || !i.isTextual()) {
            throw new IllegalArgumentException("schema is not a command schema made by MessageSchemas.command");
        }
        JsonNode at = root.get("issuedAt");
        JsonNode a = root.get("args");
        return new CommandMessage(c.textValue(), i.textValue(), at == null ? null : Instant.parse(at.textValue()),
                JsonValue.of(a == null ? JsonNodeFactory.instance.objectNode() : a));
    }

    /** The command name, as sent. */
    public String command() {
        return command;
    }

    /** The command as one of DevSec's own, when it is one. */
    public Optional<DevSecCommand> devsecCommand() {
        return DevSecCommand.fromJsonName(command);
    }

    /** The sender's id for this command. */
    public String id() {
        return id;
    }

    /** When the sender issued it, if it said so. */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /** The arguments: a flat object of strings, numbers and booleans (empty when absent); read-only. */
    public JsonValue args() {
        return args;
    }

    /** Command and id; never argument values. */
    @Override
    public String toString() {
        return "CommandMessage{" + command + ", id=" + id + ", " + args.size() + " args}";
    }
}
