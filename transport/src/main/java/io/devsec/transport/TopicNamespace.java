package io.devsec.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The part of the topic tree a device may use: every topic it publishes or subscribes to starts
 * with its prefix, by default {@code devices/{deviceId}/}. Immutable.
 *
 * <p>Wildcards ({@code +}, {@code #}) are allowed in subscription filters only after the prefix,
 * so a device can never subscribe to another device's topics through a wildcard.
 */
public final class TopicNamespace {
    /** MQTT's limit for a topic in UTF-8 bytes. */
    public static final int MAX_TOPIC_BYTES = 65535;

    private final String prefix;

    private TopicNamespace(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The default namespace {@code devices/{deviceId}/}.
     *
     * @param deviceId the device's id, 1 to 256 characters
     * @return the namespace
     * @throws IllegalArgumentException when the id is empty or holds '/', '+', '#', '$' or control characters
     */
    public static TopicNamespace forDevice(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        if (deviceId.isEmpty() || deviceId.length() > 256) {
            throw new IllegalArgumentException("deviceId must be 1 to 256 characters");
        }
        for (int i = 0; i < deviceId.length(); i++) {
            char c = deviceId.charAt(i);
            if (c == '/' || c == '+' || c == '#' || c == '$' || isControl(c) || Character.isSurrogate(c)) {
                throw new IllegalArgumentException("deviceId must not contain '/', '+', '#', '$' or control characters");
            }
        }
        return new TopicNamespace("devices/" + deviceId + "/");
    }

    /**
     * A namespace with an explicit prefix, which must end with '/' and hold no wildcard.
     *
     * @param prefix the prefix, such as {@code acme/plugs/42/}
     * @return the namespace
     * @throws IllegalArgumentException when the prefix is malformed
     */
    public static TopicNamespace withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() < 2 || !prefix.endsWith("/") || prefix.startsWith("/") || prefix.startsWith("$")) {
            throw new IllegalArgumentException("prefix must be non-empty, end with '/', not start with '/' or '$'");
        }
        String why = topicNameProblem(prefix);
        if (why != null) {
            throw new IllegalArgumentException("prefix: " + why);
        }
        return new TopicNamespace(prefix);
    }

    /**
     * The prefix every topic of this namespace starts with.
     *
     * @return the prefix, ending with '/'
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The topic {@code prefix + relative}, checked.
     *
     * @param relative the topic below the prefix, such as {@code telemetry}
     * @return the full topic name
     * @throws TopicOutsideNamespaceException when the result is malformed or leaves the namespace
     */
    public String topic(String relative) throws TopicOutsideNamespaceException {
        String t = prefix + Objects.requireNonNull(relative, "relative");
        checkTopicName(t);
        return t;
    }

    /**
     * Verifies that a topic name (no wildcards) is well formed and inside the namespace.
     *
     * @param topic the full topic name
     * @throws TopicOutsideNamespaceException when it is malformed or outside the namespace
     */
    public void checkTopicName(String topic) throws TopicOutsideNamespaceException {
        Objects.requireNonNull(topic, "topic");
        String why = topicNameProblem(topic);
        if (why != null) {
            throw new TopicOutsideNamespaceException(topic, prefix, why);
        }
        if (!topic.startsWith(prefix) || topic.length() == prefix.length()) {
            throw new TopicOutsideNamespaceException(topic, prefix, "outside the device namespace");
        }
    }

    /**
     * Verifies that a subscription filter is well formed and cannot match anything outside the namespace.
     *
     * @param filter the subscription filter
     * @throws TopicOutsideNamespaceException when it is malformed or could match outside the namespace
     */
    public void checkTopicFilter(String filter) throws TopicOutsideNamespaceException {
        Objects.requireNonNull(filter, "filter");
        String why = filterProblem(filter);
        if (why != null) {
            throw new TopicOutsideNamespaceException(filter, prefix, why);
        }
        if (!filter.startsWith(prefix) || filter.length() == prefix.length()) {
            throw new TopicOutsideNamespaceException(filter, prefix, "outside the device namespace");
        }
    }

    /**
     * Whether the text is a well-formed MQTT topic name (UTF-8, no wildcards, no control characters).
     *
     * @param topic the text, may be null
     * @return true when it is a well-formed topic name
     */
    public static boolean isWellFormedTopicName(String topic) {
        return topic != null && topicNameProblem(topic) == null;
    }

    /**
     * Whether some topic name matches both (valid) filters, by MQTT's wildcard rules.
     *
     * @param a a topic filter
     * @param b another topic filter
     * @return true when a topic could reach a subscription to each
     */
    public static boolean overlaps(String a, String b) {
        String[] x = Objects.requireNonNull(a, "a").split("/", -1);
        String[] y = Objects.requireNonNull(b, "b").split("/", -1);
        int i = 0;
        for (; i < x.length && i < y.length; i++) {
            if (x[i].equals("#") || y[i].equals("#")) {
                return true;
            }
            if (!x[i].equals("+") && !y[i].equals("+") && !x[i].equals(y[i])) {
                return false;
            }
        }
        if (x.length == y.length) {
            return true;
        }
        // The longer one still overlaps when its next (and last) level is '#', which also matches its parent.
        String[] longer = x.length > y.length ? x : y;
        return longer.length == i + 1 && longer[i].equals("#");
    }

    /**
     * Whether a topic name matches a (valid) filter, by MQTT's wildcard rules.
     *
     * @param filter a valid subscription filter
     * @param topic a topic name
     * @return true when the filter matches the topic
     */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Why the text is not a valid MQTT topic name, or null when it is. */
    static String topicNameProblem(String topic) {
        if (topic.isEmpty()) {
            return "empty topic";
        }
        String common = commonProblem(topic);
        if (common != null) {
            return common;
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return "wildcards are not allowed in a topic name";
        }
        return null;
    }

    static String filterProblem(String filter) {
        if (filter.isEmpty()) {
            return "empty filter";
        }
        String common = commonProblem(filter);
        if (common != null) {
            return common;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.indexOf('#') >= 0 && (!l.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole last level";
            }
            if (l.indexOf('+') >= 0 && !l.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }

    private static String commonProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "NUL character";
            }
            if (isControl(c)) {
                return "control character";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return "unpaired surrogate";
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return "unpaired surrogate";
            }
        }
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            return "longer than " + MAX_TOPIC_BYTES + " bytes";
        }
        return null;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    /** A topic as safe log text: control characters escaped, cut at 200 characters. */
    static String printable(String topic) {
        if (topic == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < topic.length() && sb.length() < 200; i++) {
            char c = topic.charAt(i);
            if (isControl(c) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 200) {
            sb.append("...");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicNamespace && ((TopicNamespace) o).prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return "TopicNamespace{" + prefix + "}";
    }
}
