package io.devsec.transport;

/**
 * One subscription that decodes its own messages: a topic filter relative to the client's
 * {@link TopicNamespace}, a QoS, a decoder that checks and parses each message once, and a handler
 * that receives what the decoder returned. Given to {@link DeviceMqttClient#subscribe(InboundSubscription)}.
 *
 * <p>Transport runs its own checks first (size, well-formed topic inside the namespace, a match with
 * this filter, not an echo of the client's own publish when {@link DeviceMqttClient.Builder#noLocal} is
 * on), then {@link #decode} once, then
 * {@link #onMessage} with the decoded value. A decoder refusal drops the message for this
 * subscription and is reported as an {@link TransportSecurityEvent.Type#INBOUND_MESSAGE_REJECTED}
 * event; the client's {@link DeviceMqttClient.Builder#validator} is not applied (it belongs to
 * subscriptions made with {@link DeviceMqttClient#subscribe(String, Qos, MessageHandler)}).
 *
 * @param <T> what the decoder makes of a message
 */
public interface InboundSubscription<T> {
    /**
     * The topic filter relative to the namespace, such as {@code cmd/setpoint} or {@code cmd/+}.
     *
     * @return the relative filter
     */
    String topicFilter();

    /**
     * The QoS to subscribe with.
     *
     * @return the QoS
     */
    Qos qos();

    /**
     * Checks and parses a message; called once per message, on the MQTT client's thread.
     *
     * @param message the message that passed transport's checks
     * @return the decoded value, handed to {@link #onMessage}
     * @throws InvalidMessageException when the message must not reach the handler; its detail should
     *     name the filter and the rule that refused it, never the payload
     */
    T decode(InboundMessage message) throws InvalidMessageException;

    /**
     * Receives a decoded message, on the MQTT client's thread: keep it short or hand off. An
     * exception thrown here is logged and does not stop delivery.
     *
     * @param message the message
     * @param relativeTopic the message's topic name without the namespace prefix
     * @param decoded what {@link #decode} returned for it
     */
    void onMessage(InboundMessage message, String relativeTopic, T decoded);
}
