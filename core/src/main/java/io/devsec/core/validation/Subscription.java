package io.devsec.core.validation;

import io.devsec.core.validation.internal.Printable;
import io.devsec.transport.InboundMessage;
import io.devsec.transport.InboundSubscription;
import io.devsec.transport.InvalidMessageException;
import io.devsec.transport.Qos;
import io.devsec.transport.TopicNamespace;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One call from topic to validated object: a topic filter relative to the device namespace, the
 * schema (or parser) its messages must pass, and the handler that receives them parsed.
 *
 * <pre>{@code
 * DeviceMqttClient mqtt = device.mqtt(settings);
 * mqtt.subscribe(Subscription.to("cmd/setpoint")
 *         .schema(SETPOINT)
 *         .handler(msg -> thermostat.set(msg.value().get("celsius").asDouble())));
 * }</pre>
 *
 * <p>Each message is topic-matched once and parsed once: the handler gets the tree (or object) the
 * check produced. A message the schema refuses never reaches the handler; it becomes an
 * {@code INVALID_INPUT} security event whose detail names this subscription's filter and the rule
 * that refused it ({@code filter 'cmd/setpoint': MISSING_FIELD at $.celsius: expected ...}).
 *
 * <p>The subtree {@value #RESERVED_SUBTREE}{@code /} of the namespace is DevSec's own (its commands
 * arrive on {@code devsec/cmd}); a filter that could match a topic there, such as {@code #},
 * {@code +/cmd} or {@code devsec/+}, is refused when it is given.
 *
 * <p>Immutable and thread-safe when the parser and handler are.
 *
 * @param <T> what the parser makes of a payload
 */
public final class Subscription<T> implements InboundSubscription<T> {

    /** First level of the device namespace reserved for DevSec's own topics. */
    public static final String RESERVED_SUBTREE = "devsec";

    private final String filter;
    private final Qos qos;
    private final PayloadParser<? extends T> parser;
    private final Consumer<? super ValidatedMessage<T>> handler;

    private Subscription(String filter, Qos qos, PayloadParser<? extends T> parser,
            Consumer<? super ValidatedMessage<T>> handler) {
        this.filter = filter;
        this.qos = qos;
        this.parser = parser;
        this.handler = handler;
    }

    /**
     * Starts a subscription to {@code topicFilter}, relative to the device namespace (MQTT wildcards
     * {@code +} and {@code #} allowed as whole levels), at QoS 1 unless {@link Builder#qos} says otherwise.
     *
     * @param topicFilter the relative filter, such as {@code cmd/setpoint} or {@code cmd/+}
     * @return a builder
     * @throws IllegalArgumentException when the filter is malformed, absolute (starts with {@code /} or
     *     {@code $}) or overlaps DevSec's reserved subtree {@value #RESERVED_SUBTREE}{@code /}
     */
    public static Builder to(String topicFilter) {
        Objects.requireNonNull(topicFilter, "topicFilter");
        String problem = ValidatorRegistry.filterProblem(topicFilter);
        if (problem == null && topicFilter.startsWith("/")) {
            problem = "must be relative to the device namespace (no leading '/')";
        }
        if (problem != null) {
            throw new IllegalArgumentException("topicFilter '" + Printable.of(topicFilter, 80) + "': " + problem);
        }
        if (TopicNamespace.overlaps(topicFilter, RESERVED_SUBTREE + "/#")) {
            throw new IllegalArgumentException("topicFilter '" + Printable.of(topicFilter, 80)
                    + "' overlaps DevSec's reserved subtree '" + RESERVED_SUBTREE + "/' (its commands arrive on "
                    + RESERVED_SUBTREE + "/cmd); subscribe to a filter that cannot match a topic there, such as 'cmd/#'");
        }
        return new Builder(topicFilter);
    }

    @Override
    public String topicFilter() {
        return filter;
    }

    @Override
    public Qos qos() {
        return qos;
    }

    /**
     * Runs the parser once; a refusal names this subscription's filter and the rule.
     *
     * @throws InvalidMessageException with {@code REJECTED_BY_VALIDATOR}, carrying the refusing
     *     {@link ValidationException}'s reason as {@link InvalidMessageException#rule()} and its path
     */
    @Override
    public T decode(InboundMessage message) throws InvalidMessageException {
        try {
            T value = parser.parse(message.payload());
            if (value == null) {
                throw new InvalidMessageException(InvalidMessageException.Reason.REJECTED_BY_VALIDATOR,
                        message.topic(), "filter '" + Printable.of(filter, 80) + "': the parser returned null");
            }
            return value;
        } catch (ValidationException e) {
            throw InvalidMessageException.rejected(message.topic(),
                    "filter '" + Printable.of(filter, 80) + "': " + e.getMessage(), e.reason().name(), e.path());
        }
    }

    @Override
    public void onMessage(InboundMessage message, String relativeTopic, T decoded) {
        handler.accept(new ValidatedMessage<>(message.topic(), relativeTopic, decoded, message.qos(), message.retained()));
    }

    @Override
    public String toString() {
        return "Subscription{" + filter + ", " + qos + "}";
    }

    /** The first step: filter and QoS; then {@link #schema} or {@link #parser}. */
    public static final class Builder {
        private final String filter;
        private Qos qos = Qos.AT_LEAST_ONCE;

        private Builder(String filter) {
            this.filter = filter;
        }

        /**
         * The QoS to subscribe with (default {@link Qos#AT_LEAST_ONCE}).
         *
         * @param qos the QoS
         * @return this builder
         */
        public Builder qos(Qos qos) {
            this.qos = Objects.requireNonNull(qos, "qos");
            return this;
        }

        /**
         * Messages must pass {@code schema}; the handler gets the JSON tree it parsed.
         *
         * @param schema the schema
         * @return the next step
         */
        public Parsed<JsonValue> schema(Schema schema) {
            return new Parsed<>(filter, qos, Objects.requireNonNull(schema, "schema"));
        }

        /**
         * Messages must pass {@code parser}; the handler gets what it returns.
         *
         * @param parser the parser
         * @param <T> what it returns
         * @return the next step
         */
        public <T> Parsed<T> parser(PayloadParser<? extends T> parser) {
            return new Parsed<>(filter, qos, Objects.requireNonNull(parser, "parser"));
        }
    }

    /**
     * The last step: the handler.
     *
     * @param <T> what the parser makes of a payload
     */
    public static final class Parsed<T> {
        private final String filter;
        private final Qos qos;
        private final PayloadParser<? extends T> parser;

        private Parsed(String filter, Qos qos, PayloadParser<? extends T> parser) {
            this.filter = filter;
            this.qos = qos;
            this.parser = parser;
        }

        /**
         * The handler of validated messages; called on the MQTT client's thread (keep it short or hand off).
         * An exception it throws is logged and does not stop delivery.
         *
         * @param handler the handler
         * @return the subscription, for {@code DeviceMqttClient.subscribe(InboundSubscription)}
         */
        public Subscription<T> handler(Consumer<? super ValidatedMessage<T>> handler) {
            return new Subscription<>(filter, qos, parser, Objects.requireNonNull(handler, "handler"));
        }
    }
}
