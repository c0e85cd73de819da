package io.devsec.core.internal;

import java.nio.ByteBuffer;
import java.time.Instant;

/** The persisted login throttle state: consecutive failures and the time of the last one. */
public final class LoginState {

    /** No failures. */
    public static final LoginState CLEAR = new LoginState(0, Instant.EPOCH);

    private static final byte VERSION = 1;
    private static final int SIZE = 1 + 4 + 8;

    private final int failures;
    private final Instant lastFailure;

    public LoginState(int failures, Instant lastFailure) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative");
        }
        this.failures = failures;
        this.lastFailure = lastFailure;
    }

    public int failures() {
        return failures;
    }

    public Instant lastFailure() {
        return lastFailure;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(VERSION).putInt(failures).putLong(lastFailure.toEpochMilli()).array();
    }

    /** Decodes a stored state; throws IllegalArgumentException when the bytes are not one. */
    public static LoginState decode(byte[] bytes) {
        if (bytes.length != SIZE || bytes[0] != VERSION) {
            throw new IllegalArgumentException("stored login state has an unknown format");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE - 1);
        int failures = b.getInt();
        long millis = b.getLong();
        if (failures < 0) {
            throw new IllegalArgumentException("stored login state has a negative failure count");
        }
        return new LoginState(failures, Instant.ofEpochMilli(millis));
    }
}
