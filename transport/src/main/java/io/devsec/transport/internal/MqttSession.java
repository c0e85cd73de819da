package io.devsec.transport.internal;

import java.time.Duration;

/** One connection to the broker over Paho (v3 or v5); DevSec's own code never sees Paho types. */
public interface MqttSession {
    /** What the session reports back; called on Paho's threads. */
    interface Callbacks {
        void connectionLost(Throwable cause);

        void messageArrived(String topic, byte[] payload, int qos, boolean retained);
    }

    /** Result of one publish or subscribe: reason codes from the broker (always 0 or the granted QoS with MQTT 3.1.1). */
    interface Completion {
        void completed(int[] reasonCodes);

        void failed(Throwable cause);
    }

    /** Connects and blocks until CONNACK or failure. */
    void connect(Duration timeout) throws Exception;

    /**
     * QoS 1 and 2 messages the broker accepts unacknowledged on this connection: the Receive
     * Maximum of an MQTT 5 CONNACK (65,535 when absent); MQTT 3.1.1 has no such limit. Valid after
     * {@link #connect}.
     */
    default int sendWindow() {
        return Integer.MAX_VALUE;
    }

    void publish(String topic, byte[] payload, int qos, Completion completion) throws Exception;

    void subscribe(String[] filters, int[] qos, Completion completion) throws Exception;

    void unsubscribe(String filter) throws Exception;

    boolean isConnected();

    /** Disconnects (politely when possible) and releases Paho's threads. Never throws. */
    void close();

    /** Drops the connection at once, as a network failure would (for tests and renewal). Never throws. */
    void kill();
}
