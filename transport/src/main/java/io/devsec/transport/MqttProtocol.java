package io.devsec.transport;

/** The MQTT protocol version spoken to the broker. */
public enum MqttProtocol {
    /** MQTT 5: the default, because the broker says why it refused something (reason codes). */
    MQTT_5,
    /** MQTT 3.1.1: for brokers without MQTT 5. A publish the broker refuses is dropped silently by the broker. */
    MQTT_3_1_1
}
