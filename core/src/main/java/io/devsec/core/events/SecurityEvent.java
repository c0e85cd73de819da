package io.devsec.core.events;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One security-relevant outcome anywhere in DevSec: its type, severity, time, the module it came
 * from and a few non-secret attributes. Immutable.
 *
 * <p>Attributes are for facts such as a reason code, a version, a topic or an exception class.
 * They must never hold a secret, a password, key material or a payload: attribute names that look
 * like secrets ({@code password}, {@code secret}, {@code token}, ...) are refused, and values are cut
 * to {@value #MAX_VALUE_LENGTH} characters with control characters replaced, so an event is always
 * safe to log and to export.
 */
public final class SecurityEvent {
    /** Most attributes per event. */
    public static final int MAX_ATTRIBUTES = 16;

    /** Longest attribute value kept, in characters (longer values are cut, ending in an ellipsis). */
    public static final int MAX_VALUE_LENGTH = 256;

    /** Pattern of an attribute name. */
    public static final String ATTRIBUTE_NAME_PATTERN = "[a-z][A-Za-z0-9_.-]{0,47}";

    private static final Pattern NAME = Pattern.compile(ATTRIBUTE_NAME_PATTERN);
    private static final String[] SECRET_WORDS = {"password", "passphrase", "passwd", "secret", "token", "privatekey",
        "private_key", "credential", "masterkey", "pincode"};

    /** What happened. Each type has a default severity. */
    public enum Type {
        /** A login with a wrong password. */
        LOGIN_FAILED(Severity.WARNING),
        /** Logins are locked or throttled after repeated failures. */
        LOGIN_LOCKED(Severity.CRITICAL),
        /** The device password was changed. */
        PASSWORD_CHANGED(Severity.NOTICE),
        /** The device was reset to a factory state (with a new unique password). */
        FACTORY_RESET(Severity.NOTICE),
        /** A signature did not verify (update metadata, root, manifest). */
        SIGNATURE_INVALID(Severity.CRITICAL),
        /** An older version (or root) than the installed one was offered. */
        ROLLBACK_ATTEMPT(Severity.CRITICAL),
        /** An update was refused for another reason (expired, wrong hardware, malformed, unsafe path). */
        UPDATE_REFUSED(Severity.WARNING),
        /** An update was installed and put on trial. */
        UPDATE_INSTALLED(Severity.INFO),
        /** A trial version was confirmed healthy. */
        UPDATE_CONFIRMED(Severity.INFO),
        /** A trial version was not confirmed and the device went back. */
        UPDATE_ROLLED_BACK(Severity.WARNING),
        /** A scheduled update check failed. */
        UPDATE_CHECK_FAILED(Severity.NOTICE),
        /** The announced support period has ended. */
        SUPPORT_ENDED(Severity.WARNING),
        /** Software or stored data does not match what was signed or checksummed. */
        INTEGRITY_FAILURE(Severity.CRITICAL),
        /** The running software has no signed metadata, so its integrity cannot be checked. */
        INTEGRITY_UNVERIFIABLE(Severity.WARNING),
        /** TLS refused the peer (untrusted, expired, wrong name, pin mismatch, weak protocol). */
        TLS_PEER_REFUSED(Severity.WARNING),
        /** The broker refused our connection. */
        CONNECT_REFUSED(Severity.WARNING),
        /** The connection was lost; many in a short time is a connection storm. */
        CONNECTION_LOST(Severity.NOTICE),
        /** The broker refused a publish or subscription. */
        BROKER_REFUSED(Severity.WARNING),
        /** The application tried a topic outside its namespace. */
        TOPIC_REFUSED(Severity.WARNING),
        /** Input was refused by validation (a message, a file, a record). */
        INVALID_INPUT(Severity.WARNING),
        /** The device certificate expires soon. */
        CERTIFICATE_EXPIRING(Severity.NOTICE),
        /** A security event listener failed (raised by the event stream itself). */
        LISTENER_FAILED(Severity.WARNING),
        /** Anything else the application reports; describe it in the attributes. */
        OTHER(Severity.NOTICE);

        private final Severity defaultSeverity;

        Type(Severity defaultSeverity) {
            this.defaultSeverity = defaultSeverity;
        }

        /** The severity used when the publisher names none. */
        public Severity defaultSeverity() {
            return defaultSeverity;
        }

        /**
         * Whether an event of this type can be a signal for the early warning that Article 14 of the EU Cyber
         * Resilience Act (Regulation (EU) 2024/2847) asks of a manufacturer within 24 hours of becoming aware of an
         * actively exploited vulnerability or a severe incident: changed software ({@link #INTEGRITY_FAILURE}), a
         * replayed older version or root ({@link #ROLLBACK_ATTEMPT}) and forged signatures
         * ({@link #SIGNATURE_INVALID}). The device cannot tell whether one is exploitation; the manufacturer's
         * back end decides and reports. {@link SecurityEventJson} marks these lines {@code "craArticle14": true}.
         *
         * @return true for the types that can indicate exploitation
         */
        public boolean craArticle14Signal() {
            return this == INTEGRITY_FAILURE || this == ROLLBACK_ATTEMPT || this == SIGNATURE_INVALID;
        }
    }

    /** The module an event comes from. */
    public enum Source {
        CORE, STORAGE, TRANSPORT, UPDATE, APPLICATION
    }

    private final Type type;
    private final Severity severity;
    private final Instant time;
    private final Source source;
    private final Map<String, String> attributes;

    private SecurityEvent(Builder b) {
        this.type = b.type;
        this.severity = b.severity == null ? b.type.defaultSeverity() : b.severity;
        this.time = b.time;
        this.source = b.source;
        this.attributes = Collections.unmodifiableMap(new TreeMap<>(b.attributes));
    }

    /** A builder for an event of {@code type} from {@code source}; {@link Builder#time} is required. */
    public static Builder builder(Type type, Source source) {
        return new Builder(type, source);
    }

    /**
     * A builder starting from this event, to derive another one: {@code e.toBuilder().build()} equals
     * {@code e}, and a setter changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder(type, source);
        b.severity = severity;
        b.time = time;
        b.attributes.putAll(attributes);
        return b;
    }

    /** An event with the type's default severity. */
    public static SecurityEvent of(Type type, Source source, Instant time, Map<String, String> attributes) {
        return builder(type, source).time(time).attributes(attributes).build();
    }

    public Type type() {
        return type;
    }

    public Severity severity() {
        return severity;
    }

    /** When it happened, by the publisher's clock. */
    public Instant time() {
        return time;
    }

    public Source source() {
        return source;
    }

    /** The attributes, sorted by name; unmodifiable. */
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecurityEvent)) {
            return false;
        }
        SecurityEvent e = (SecurityEvent) o;
        return type == e.type && severity == e.severity && time.equals(e.time) && source == e.source
                && attributes.equals(e.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, severity, time, source, attributes);
    }

    /** Type, severity, time, source and attributes (which are never secret). */
    @Override
    public String toString() {
        return "SecurityEvent{" + type + ", " + severity + ", " + time + ", " + source + ", " + attributes + "}";
    }

    /** The value as it will be stored: control characters and unpaired surrogates replaced, cut to the maximum. */
    static String cleanValue(String value) {
        StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_VALUE_LENGTH));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                b.append(c).append(value.charAt(++i));
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)
                    || c == '\u2028' || c == '\u2029') {
                b.append('\ufffd');
            } else {
                b.append(c);
            }
        }
        if (b.length() <= MAX_VALUE_LENGTH) {
            return b.toString();
        }
        int cut = MAX_VALUE_LENGTH - 1;
        if (Character.isHighSurrogate(b.charAt(cut - 1))) {
            cut--;
        }
        return b.substring(0, cut) + "\u2026";
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("attribute name must match " + ATTRIBUTE_NAME_PATTERN);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (lower.contains(w)) {
                throw new IllegalArgumentException("attribute name '" + name + "' looks like a secret ('" + w
                        + "'): security events never carry secrets");
            }
        }
    }

    /** Builds a {@link SecurityEvent}. */
    public static final class Builder {
        private final Type type;
        private final Source source;
        private Severity severity;
        private Instant time;
        private final Map<String, String> attributes = new TreeMap<>();

        private Builder(Type type, Source source) {
            this.type = Objects.requireNonNull(type, "type");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Overrides the type's default severity. */
        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
            return this;
        }

        public Builder time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * Adds a non-secret attribute; the value is cleaned and cut (see the class comment).
         *
         * @throws IllegalArgumentException when the name is malformed or looks like a secret
         */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkName(name);
            attributes.put(name, cleanValue(value));
            return this;
        }

        /** Adds each of {@code attributes} as by {@link #attribute}. */
        public Builder attributes(Map<String, String> attributes) {
            for (Map.Entry<String, String> e : Objects.requireNonNull(attributes, "attributes").entrySet()) {
                attribute(e.getKey(), e.getValue());
            }
            return this;
        }

        /**
         * @throws IllegalStateException when no time was set
         * @throws IllegalArgumentException when there are more than {@value #MAX_ATTRIBUTES} attributes
         */
        public SecurityEvent build() {
            if (time == null) {
                throw new IllegalStateException("time is required");
            }
            if (attributes.size() > MAX_ATTRIBUTES) {
                throw new IllegalArgumentException("attributes must number at most " + MAX_ATTRIBUTES);
            }
            return new SecurityEvent(this);
        }
    }
}
