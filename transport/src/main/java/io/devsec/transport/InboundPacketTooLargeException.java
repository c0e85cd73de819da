package io.devsec.transport;

import java.io.IOException;

/**
 * The broker announced an MQTT packet whose remaining length exceeds the device's inbound limit
 * (see {@code DeviceMqttClient.Builder#maxInboundPayloadBytes}). The packet is refused from its
 * fixed header, before anything is allocated for its body: the connection is closed, a
 * {@link TransportSecurityEvent} of type {@link TransportSecurityEvent.Type#INBOUND_MESSAGE_REJECTED}
 * carries this exception, and the client reconnects.
 */
public final class InboundPacketTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The MQTT control packet type. */
    private final int packetType;
    /** The remaining length the fixed header announced. */
    private final long remainingLength;
    /** The largest remaining length the device accepts. */
    private final long limit;

    /**
     * @param packetType the MQTT control packet type (the high nibble of the first byte, 3 for PUBLISH)
     * @param remainingLength the remaining length the fixed header announced
     * @param limit the largest remaining length the device accepts
     */
    public InboundPacketTooLargeException(int packetType, long remainingLength, long limit) {
        super("inbound MQTT packet (type " + packetType + ") of " + remainingLength
                + " bytes exceeds the limit of " + limit + " bytes; refused before reading it, connection closed");
        this.packetType = packetType;
        this.remainingLength = remainingLength;
        this.limit = limit;
    }

    /** @return the MQTT control packet type (3 for PUBLISH) */
    public int packetType() {
        return packetType;
    }

    /** @return the remaining length the fixed header announced */
    public long remainingLength() {
        return remainingLength;
    }

    /** @return the largest remaining length the device accepts */
    public long limit() {
        return limit;
    }
}
