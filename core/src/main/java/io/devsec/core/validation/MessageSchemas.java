package io.devsec.core.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Schemas of DevSec's own JSON message shapes. {@link #COMMAND} is applied by the device itself on its
 * reserved topic {@code devices/{deviceId}/devsec/cmd}; {@link #command(Collection)} makes the same shape for an
 * application's own commands on its own topics.
 *
 * <h2>Command</h2>
 * <pre>{"command":"check_update","id":"c-0001","issuedAt":"2026-01-31T12:00:00Z","args":{"force":true}}</pre>
 * {@code command} is one of the known command names, {@code id} 1 to 64 characters of
 * {@code [A-Za-z0-9._:-]} (for answers and de-duplication), {@code issuedAt} an optional ISO-8601
 * instant and {@code args} an optional flat object: at most 16 fields named
 * {@code [A-Za-z][A-Za-z0-9_]*} (up to 32 characters), each a string of up to 256 characters, a
 * number or a boolean. At most 4 KiB, no nesting below {@code args}, no other fields.
 *
 * <h2>Telemetry</h2>
 * <pre>{"version":1,"time":"2026-01-31T12:00:00Z","seq":42,"metrics":{"temperature":21.5,"door":"open"}}</pre>
 * {@code version} is 1, {@code seq} an integer from 0 to 2<sup>53</sup>-1, {@code metrics} at most 64
 * fields named {@code [a-z][a-z0-9_.]*} (up to 64 characters), each a string of up to 256 characters,
 * a number or a boolean. At most 16 KiB.
 */
public final class MessageSchemas {
    /** Largest command message, in bytes. */
    public static final int MAX_COMMAND_BYTES = 4096;

    /** Largest telemetry message, in bytes. */
    public static final int MAX_TELEMETRY_BYTES = 16 * 1024;

    /** Pattern of a command name. */
    public static final String COMMAND_NAME_PATTERN = "[a-z][a-z0-9_]{0,31}";

    /** Pattern of a command id. */
    public static final String COMMAND_ID_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    private static final Pattern NAME = Pattern.compile(COMMAND_NAME_PATTERN);

    /** Names of the commands DevSec itself understands (see {@link CommandMessage.DevSecCommand}). */
    public static final Set<String> DEVSEC_COMMANDS;

    /** Limits of a command message. */
    public static final JsonLimits COMMAND_LIMITS = JsonLimits.builder()
            .maxDocumentBytes(MAX_COMMAND_BYTES).maxDepth(2).maxStringLength(256).maxFieldNameLength(32)
            .maxNumberLength(24).maxEntries(16).build();

    /** Limits of a telemetry message. */
    public static final JsonLimits TELEMETRY_LIMITS = JsonLimits.builder()
            .maxDocumentBytes(MAX_TELEMETRY_BYTES).maxDepth(2).maxStringLength(256).maxFieldNameLength(64)
            .maxNumberLength(24).maxEntries(64).build();

    static {
        Set<String> names = new LinkedHashSet<>();
        for (CommandMessage.DevSecCommand c : CommandMessage.DevSecCommand.values()) {
            names.add(c.jsonName());
        }
        DEVSEC_COMMANDS = Collections.unmodifiableSet(names);
    }

    /** A command message naming one of {@link #DEVSEC_COMMANDS}. */
    public static final Schema COMMAND = command(DEVSEC_COMMANDS);

    /** A telemetry message. */
    public static final Schema TELEMETRY = Schema.of(Rules.object()
            .required("version", Rules.integer(1, 1))
            .required("time", Rules.instant())
            .required("seq", Rules.integer(0, (1L << 53) - 1))
            .required("metrics", Rules.mapOf("[a-z][a-z0-9_.]*", 64, Rules.scalar(256), 64))
            .build(), TELEMETRY_LIMITS);

    private MessageSchemas() {
    }

    /**
     * A command message whose {@code command} is one of {@code commandNames}, for an application's
     * own commands (each matching {@value #COMMAND_NAME_PATTERN}).
     *
     * @throws IllegalArgumentException when the set is empty or a name does not match the pattern
     */
    public static Schema command(Collection<String> commandNames) {
        List<String> names = new ArrayList<>();
        for (String n : Objects.requireNonNull(commandNames, "commandNames")) {
            if (n == null || !NAME.matcher(n).matches()) {
                throw new IllegalArgumentException("command names must match " + COMMAND_NAME_PATTERN);
            }
            names.add(n);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("commandNames must not be empty");
        }
        return Schema.of(Rules.object()
                .required("command", Rules.oneOf(names))
                .required("id", Rules.pattern(COMMAND_ID_PATTERN, 64))
                .optional("issuedAt", Rules.instant())
                .optional("args", Rules.mapOf("[A-Za-z][A-Za-z0-9_]*", 32, Rules.scalar(256), 16))
                .build(), COMMAND_LIMITS);
    }
}
