package io.devsec.transport.internal;

import io.devsec.transport.InboundPacketTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * An MQTT connection's inbound stream that passes bytes on only after {@link MqttPacketLimiter}
 * has scanned them: the read that would hand over the last length byte of an oversized packet
 * throws instead, so the MQTT client never learns the length and never allocates for it. After a
 * refusal the stream stays failed and the connection is closed.
 */
public final class PacketLimitInputStream extends FilterInputStream {
    private final MqttPacketLimiter limiter;
    private final Consumer<InboundPacketTooLargeException> onTooLarge;
    private final Runnable closeConnection;
    private final byte[] one = new byte[1];
    private IOException failed;

    /**
     * @param in the TLS socket's input stream
     * @param limit the largest remaining length accepted
     * @param onTooLarge told once of a refused packet (before the exception reaches the reader)
     * @param closeConnection closes the socket after a refusal
     */
    public PacketLimitInputStream(InputStream in, long limit, Consumer<InboundPacketTooLargeException> onTooLarge,
            Runnable closeConnection) {
        super(in);
        this.limiter = new MqttPacketLimiter(limit);
        this.onTooLarge = onTooLarge;
        this.closeConnection = closeConnection;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failed != null) {
            throw failed;
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            try {
                limiter.scan(b, off, n);
            } catch (IOException e) {
                failed = e;
                // Wipe what the reader must not see: the caller's buffer holds the refused header.
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                if (e instanceof InboundPacketTooLargeException) {
                    try {
                        onTooLarge.accept((InboundPacketTooLargeException) e);
                    } catch (RuntimeException ignored) {
                        // the refusal stands whatever the listener does
                    }
                }
                closeConnection.run();
                throw e;
            }
        }
        return n;
    }

    /** Skips by reading, so that the packet boundaries stay known. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] buf = new byte[(int) Math.min(8192, n)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported: a reset would replay bytes the limiter has already counted
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
