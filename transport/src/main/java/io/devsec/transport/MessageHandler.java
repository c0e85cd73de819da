package io.devsec.transport;

/**
 * Receives messages that passed every inbound check. Called on the MQTT client's thread: keep it
 * short or hand off. An exception thrown here is logged and does not stop delivery.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(InboundMessage message);
}
