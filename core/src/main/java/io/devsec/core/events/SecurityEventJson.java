package io.devsec.core.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.devsec.core.validation.JsonLimits;
import io.devsec.core.validation.JsonValue;
import io.devsec.core.validation.Rules;
import io.devsec.core.validation.Schema;
import io.devsec.core.validation.ValidationException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of events and alerts: one object per line, stable field names, ISO-8601 instants.
 *
 * <pre>
 * {"kind":"event","type":"LOGIN_FAILED","severity":"WARNING","time":"2026-01-31T12:00:00Z","source":"CORE","attributes":{"user":"admin"}}
 * {"kind":"alert","eventType":"LOGIN_FAILED","trigger":"FIXED_THRESHOLD","severity":"WARNING","time":"2026-01-31T12:00:20Z",
 *  "windowStart":"2026-01-31T12:00:00Z","window":"PT1M","count":11,"limit":10.0,"baseline":0.0}
 * </pre>
 * (An alert is one line; it is wrapped here for reading.) Enum values are the Java constant names. Events and
 * alerts that can signal exploitation for the early warning of CRA Article 14 also carry
 * {@code "craArticle14":true} ({@link SecurityEvent.Type#craArticle14Signal()}, {@link #craArticle14Signal}).
 * Parsing is strict ({@link #EVENT_SCHEMA}, {@link #ALERT_SCHEMA}): an exported line always parses
 * back to an equal value.
 */
public final class SecurityEventJson {
    /** Limits of one line. */
    public static final JsonLimits LINE_LIMITS = JsonLimits.builder()
            .maxDocumentBytes(16 * 1024).maxDepth(2).maxStringLength(1024).maxFieldNameLength(64)
            .maxNumberLength(32).maxEntries(SecurityEvent.MAX_ATTRIBUTES + 8).build();

    /** Schema of an event line. */
    public static final Schema EVENT_SCHEMA = Schema.of(Rules.object()
            .required("kind", Rules.oneOf("event"))
            .required("type", Rules.oneOf(names(SecurityEvent.Type.values())))
            .required("severity", Rules.oneOf(names(Severity.values())))
            .required("time", Rules.instant())
            .required("source", Rules.oneOf(names(SecurityEvent.Source.values())))
            .required("attributes", Rules.mapOf(SecurityEvent.ATTRIBUTE_NAME_PATTERN, 48,
                    Rules.string(0, SecurityEvent.MAX_VALUE_LENGTH), SecurityEvent.MAX_ATTRIBUTES))
            .optional("craArticle14", Rules.bool())
            .build(), LINE_LIMITS);

    /** Schema of an alert line. */
    public static final Schema ALERT_SCHEMA = Schema.of(Rules.object()
            .required("kind", Rules.oneOf("alert"))
            .required("eventType", Rules.oneOf(names(SecurityEvent.Type.values())))
            .required("trigger", Rules.oneOf(names(SecurityAlert.Trigger.values())))
            .required("severity", Rules.oneOf(names(Severity.values())))
            .required("time", Rules.instant())
            .required("windowStart", Rules.instant())
            .required("window", Rules.pattern("PT[0-9.HMS]+", 32))
            .required("count", Rules.integer(0, Long.MAX_VALUE))
            .required("limit", Rules.number(0, Double.MAX_VALUE))
            .required("baseline", Rules.number(0, Double.MAX_VALUE))
            .optional("craArticle14", Rules.bool())
            .build(), LINE_LIMITS);

    private static final JsonFactory JSON = new JsonFactory();

    private SecurityEventJson() {
    }

    /** The event as one line of JSON (no line break). */
    public static String toJson(SecurityEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", "event");
            g.writeStringField("type", event.type().name());
            g.writeStringField("severity", event.severity().name());
            g.writeStringField("time", event.time().toString());
            g.writeStringField("source", event.source().name());
            g.writeObjectFieldStart("attributes");
            for (Map.Entry<String, String> e : event.attributes().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (event.type().craArticle14Signal()) {
                g.writeBooleanField("craArticle14", true);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    /** The alert as one line of JSON (no line break). */
    public static String toJson(SecurityAlert alert) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", "alert");
            g.writeStringField("eventType", alert.eventType().name());
            g.writeStringField("trigger", alert.trigger().name());
            g.writeStringField("severity", alert.severity().name());
            g.writeStringField("time", alert.time().toString());
            g.writeStringField("windowStart", alert.windowStart().toString());
            g.writeStringField("window", alert.window().toString());
            g.writeNumberField("count", alert.count());
            g.writeNumberField("limit", alert.limit());
            g.writeNumberField("baseline", alert.baseline());
            if (craArticle14Signal(alert)) {
                g.writeBooleanField("craArticle14", true);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    /**
     * Parses an event line.
     *
     * @throws ValidationException when the line is not an event in this format
     */
    public static SecurityEvent parseEvent(String line) throws ValidationException {
        JsonValue n = EVENT_SCHEMA.parse(line);
        SecurityEvent.Builder b = SecurityEvent.builder(SecurityEvent.Type.valueOf(text(n, "type")),
                SecurityEvent.Source.valueOf(text(n, "source")))
                .severity(Severity.valueOf(text(n, "severity")))
                .time(Instant.parse(text(n, "time")));
        JsonValue attributes = n.get("attributes").get();
        try {
            for (String name : attributes.fieldNames()) {
                b.attribute(name, text(attributes, name));
            }
        } catch (IllegalArgumentException e) {
            throw new ValidationException(ValidationException.Reason.NOT_ALLOWED, "$.attributes",
                    "attribute names that do not look like secrets");
        }
        return b.build();
    }

    /**
     * Parses an alert line.
     *
     * @throws ValidationException when the line is not an alert in this format
     */
    public static SecurityAlert parseAlert(String line) throws ValidationException {
        JsonValue n = ALERT_SCHEMA.parse(line);
        Duration window;
        try {
            window = Duration.parse(text(n, "window"));
        } catch (RuntimeException e) {
            throw new ValidationException(ValidationException.Reason.NOT_ALLOWED, "$.window", "an ISO-8601 duration");
        }
        double limit = n.get("limit").get().asDouble();
        double baseline = n.get("baseline").get().asDouble();
        if (window.isNegative() || window.isZero() || Double.isInfinite(limit) || Double.isInfinite(baseline)) {
            throw new ValidationException(ValidationException.Reason.OUT_OF_RANGE, "$",
                    "a positive window and finite limit and baseline");
        }
        return new SecurityAlert(SecurityEvent.Type.valueOf(text(n, "eventType")),
                SecurityAlert.Trigger.valueOf(text(n, "trigger")),
                Severity.valueOf(text(n, "severity")),
                Instant.parse(text(n, "time")), Instant.parse(text(n, "windowStart")),
                window, n.get("count").get().asLong(), limit, baseline);
    }

    /**
     * Whether an alert can be a signal for the CRA Article 14 early warning: a critical alert, or an alert on a type
     * that is one ({@link SecurityEvent.Type#craArticle14Signal()}); such lines carry {@code "craArticle14": true}.
     *
     * @param alert the alert
     * @return whether the manufacturer's back end should look at it for an Article 14 early warning
     */
    public static boolean craArticle14Signal(SecurityAlert alert) {
        return alert.severity() == Severity.CRITICAL || alert.eventType().craArticle14Signal();
    }

    /** A string field the schema made required. */
    private static String text(JsonValue object, String field) {
        return object.get(field).get().asString();
    }

    private static List<String> names(Enum<?>[] values) {
        List<String> out = new ArrayList<>(values.length);
        for (Enum<?> v : values) {
            out.add(v.name());
        }
        return out;
    }
}
