package io.devsec.transport;

/**
 * Receives messages that passed every inbound check. Called on the MQTT client's thread: keep it
 * short or hand off. An exception thrown here is logged and does not stop delivery.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * Handles one message.
     *
     * @param message a message that passed the topic, size and validator checks
     */
    void onMessage(InboundMessage message);
}
