package io.devsec.core.internal;

import java.nio.ByteBuffer;

/**
 * The persisted login throttle state: consecutive failures and the wait still to run when it was written
 * (not a wall-clock time, so setting the clock neither shortens nor lengthens it).
 *
 * <p>Format 2: version byte, failures (int), remaining wait in milliseconds (long). Format 1 (failures and
 * the wall-clock time of the last failure) is still read; its remaining wait is unknown and counts as
 * the full wait of its failure count ({@link #UNKNOWN_WAIT}).
 */
public final class LoginState {

    /** No failures. */
    public static final LoginState CLEAR = new LoginState(0, 0);

    /** A remaining wait not recorded (format 1): the full wait applies. */
    public static final long UNKNOWN_WAIT = Long.MAX_VALUE;

    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    private static final int SIZE = 1 + 4 + 8;

    private final int failures;
    private final long remainingWaitMillis;

    /**
     * @param failures consecutive failed logins, not negative
     * @param remainingWaitMillis the wait still to run when this state is written, not negative;
     *     {@link #UNKNOWN_WAIT} for the full wait
     */
    public LoginState(int failures, long remainingWaitMillis) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative");
        }
        if (remainingWaitMillis < 0) {
            throw new IllegalArgumentException("remainingWaitMillis must not be negative");
        }
        this.failures = failures;
        this.remainingWaitMillis = remainingWaitMillis;
    }

    public int failures() {
        return failures;
    }

    /** The wait still to run when this state was written, in ms; {@link #UNKNOWN_WAIT} for the full wait. */
    public long remainingWaitMillis() {
        return remainingWaitMillis;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(VERSION).putInt(failures).putLong(remainingWaitMillis).array();
    }

    /** Decodes a stored state; throws IllegalArgumentException when the bytes are not one. */
    public static LoginState decode(byte[] bytes) {
        if (bytes.length != SIZE || (bytes[0] != VERSION && bytes[0] != VERSION_1)) {
            throw new IllegalArgumentException("stored login state has an unknown format");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE - 1);
        int failures = b.getInt();
        long value = b.getLong();
        if (failures < 0) {
            throw new IllegalArgumentException("stored login state has a negative failure count");
        }
        if (bytes[0] == VERSION_1) {
            return new LoginState(failures, failures == 0 ? 0 : UNKNOWN_WAIT);
        }
        if (value < 0) {
            throw new IllegalArgumentException("stored login state has a negative wait");
        }
        return new LoginState(failures, value);
    }
}
