package io.devsec.transport.internal;

import io.devsec.transport.InboundPacketTooLargeException;
import java.io.IOException;

/**
 * Follows the MQTT packet boundaries of an inbound byte stream (fixed header: one type byte, one
 * to four bytes of variable-length remaining length, then the body) and refuses a packet whose
 * remaining length exceeds the limit as soon as its length is complete, before anyone reads
 * (or allocates for) its body. Bodies are skipped by counting, so the cost is a few operations
 * per packet whatever its size. Not thread-safe: one reader.
 */
public final class MqttPacketLimiter {
    /** The largest remaining length MQTT can express (four varint bytes). */
    public static final long MQTT_MAX_REMAINING_LENGTH = 268_435_455L;
    private static final int TYPE = 0;
    private static final int LENGTH = 1;
    private static final int BODY = 2;

    private final long limit;
    private int state = TYPE;
    private int type;
    private long length;
    private int shift;
    private long remaining;
    private long packets;

    /** @param limit the largest remaining length accepted, 0 to {@link #MQTT_MAX_REMAINING_LENGTH} */
    public MqttPacketLimiter(long limit) {
        if (limit < 0 || limit > MQTT_MAX_REMAINING_LENGTH) {
            throw new IllegalArgumentException("limit must be 0 to " + MQTT_MAX_REMAINING_LENGTH + ", not " + limit);
        }
        this.limit = limit;
    }

    /** @return the largest remaining length accepted */
    public long limit() {
        return limit;
    }

    /** @return the packets whose last byte has been scanned */
    public long packetsCompleted() {
        return packets;
    }

    /** @return whether the scanner stands between two packets */
    public boolean atPacketBoundary() {
        return state == TYPE;
    }

    /**
     * Scans the next bytes of the stream.
     *
     * @param b the buffer
     * @param off where the new bytes start
     * @param len how many new bytes
     * @throws InboundPacketTooLargeException when a packet's remaining length exceeds the limit
     * @throws IOException when a remaining length runs past four bytes (not MQTT)
     */
    public void scan(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (state) {
                case BODY: {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        packets++;
                        state = TYPE;
                    }
                    break;
                }
                case TYPE:
                    type = (b[i++] & 0xff) >>> 4;
                    length = 0;
                    shift = 0;
                    state = LENGTH;
                    break;
                default: {
                    int v = b[i++] & 0xff;
                    length |= (long) (v & 0x7f) << shift;
                    shift += 7;
                    if ((v & 0x80) != 0) {
                        if (shift >= 28) {
                            throw new IOException("malformed MQTT remaining length: more than four bytes");
                        }
                        break;
                    }
                    if (length > limit) {
                        throw new InboundPacketTooLargeException(type, length, limit);
                    }
                    if (length == 0) {
                        packets++;
                        state = TYPE;
                    } else {
                        remaining = length;
                        state = BODY;
                    }
                    break;
                }
            }
        }
    }
}
