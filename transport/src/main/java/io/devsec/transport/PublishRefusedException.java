package io.devsec.transport;


/**
 * The broker refused a publish with an MQTT 5 reason code of 0x80 or more (for example 135, "not
 * authorized", for a topic outside the device's ACL). The message was removed from the outbox:
 * sending it again would be refused again.
 */
public final class PublishRefusedException extends TransportException {
    private static final long serialVersionUID = 1L;
    /** See {@link #topic()}. */
    private final String topic;
    /** See {@link #reasonCode()}. */
    private final int reasonCode;

    /**
     * Creates the exception.
     *
     * @param topic the topic of the refused message
     * @param reasonCode the broker's MQTT 5 reason code
     */
    public PublishRefusedException(String topic, int reasonCode) {
        super("broker refused publish to '" + TopicNamespace.printable(topic) + "': reason code " + reasonCode + " ("
                + reasonName(reasonCode) + ")");
        this.topic = topic;
        this.reasonCode = reasonCode;
    }

    /**
     * The topic of the refused message.
     *
     * @return the topic
     */
    public String topic() {
        return topic;
    }

    /**
     * The MQTT 5 reason code, 0x80 or more.
     *
     * @return the reason code
     */
    public int reasonCode() {
        return reasonCode;
    }

    /**
     * Whether the broker said the client is not authorized (reason code 135).
     *
     * @return true for 135 (Not authorized)
     */
    public boolean notAuthorized() {
        return reasonCode == 135;
    }

    /**
     * The MQTT 5 name of a PUBACK or SUBACK reason code.
     *
     * @param code the reason code
     * @return its name, or "reason " and the number when unknown
     */
    public static String reasonName(int code) {
        switch (code) {
            case 0x80: return "unspecified error";
            case 0x83: return "implementation specific error";
            case 0x87: return "not authorized";
            case 0x8F: return "topic filter invalid";
            case 0x90: return "topic name invalid";
            case 0x91: return "packet identifier in use";
            case 0x97: return "quota exceeded";
            case 0x99: return "payload format invalid";
            case 0x9E: return "shared subscriptions not supported";
            case 0xA1: return "subscription identifiers not supported";
            case 0xA2: return "wildcard subscriptions not supported";
            default: return "reason " + code;
        }
    }
}
