package io.devsec.transport.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Gathers the PUBLISH packets of a busy MQTT connection into fewer TLS records and system calls.
 * Paho writes one packet and flushes, packet after packet. When a PUBLISH follows the previous
 * flush closely (less than {@code maxDelayNanos} later) its flush is put off for at most that
 * delay, so that the publishes written meanwhile go out together. Everything else is flushed at
 * once, together with any publish still waiting: a PUBLISH on a quiet connection, and every other
 * packet (CONNECT, PUBACK, SUBSCRIBE, PINGREQ, DISCONNECT, ...), so keep-alives, acknowledgements
 * and a polite disconnect gain no latency. A full buffer is written at once.
 *
 * <p>The deferred flush is done by one daemon thread per stream, which sleeps while nothing waits
 * and ends with the stream or the socket. A write error of that thread is thrown by the next write
 * or flush, and closes the socket so that Paho's reader sees the broken connection at once.
 * {@link #close} never blocks: it drops publishes still waiting (a QoS 1 message stays in DevSec's
 * outbox and is sent again on the next connection) and does not wait for a writer stuck on a dead
 * peer.
 */
final class CoalescingOutputStream extends OutputStream {
    /** Just below TLS's largest record (16 KiB of plaintext), so a full buffer is one record. */
    static final int BUFFER_BYTES = 16 * 1024 - 512;
    private static final int PUBLISH = 3;

    private final OutputStream out;
    private final Runnable onFailure;
    private final BooleanSupplier socketClosed;
    private final long maxDelayNanos;
    private final byte[] buf = new byte[BUFFER_BYTES];
    /** Guarded by this, like every field below but the volatile ones. */
    private int count;
    /** Where the packet written since the last flush starts in buf; -1 when it went straight out. */
    private int packetStart;
    /** Bytes written to out since its last flush (a large packet bypasses buf). */
    private boolean outDirty;
    /** When the oldest waiting publish was flushed by Paho (0: nothing waits). */
    private long pendingSince;
    private long lastFlush;
    private volatile IOException failure;
    private volatile boolean closed;
    private volatile Thread flusher;

    /**
     * @param out where the packets go (the TLS socket's stream)
     * @param maxDelayNanos how long a flush of a publish may be put off
     * @param onFailure run when a deferred flush fails (closes the socket)
     * @param socketClosed whether the socket was closed without closing this stream: the flush
     *     thread then ends
     */
    CoalescingOutputStream(OutputStream out, long maxDelayNanos, Runnable onFailure, BooleanSupplier socketClosed) {
        if (maxDelayNanos <= 0) {
            throw new IllegalArgumentException("maxDelayNanos must be positive");
        }
        this.out = out;
        this.maxDelayNanos = maxDelayNanos;
        this.onFailure = onFailure;
        this.socketClosed = socketClosed;
        this.lastFlush = System.nanoTime() - maxDelayNanos;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        check();
        if (count + len > buf.length) {
            // the packet being written may start in what goes out now: then its type is unknown
            boolean midPacket = packetStart >= 0 && packetStart < count;
            drain();
            packetStart = midPacket ? -1 : 0;
        }
        if (len >= buf.length) {
            out.write(b, off, len);
            outDirty = true;
            packetStart = -1;
            return;
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public synchronized void flush() throws IOException {
        check();
        boolean publish = packetStart >= 0 && packetStart < count && (buf[packetStart] & 0xF0) >> 4 == PUBLISH;
        long now = System.nanoTime();
        if (!publish || now - lastFlush >= maxDelayNanos) {
            // not a publish, or a quiet connection: out at once, with whatever waits before it
            if (count > 0 || outDirty) {
                drainAndFlush(now);
            }
            return;
        }
        packetStart = count;
        if (pendingSince == 0) {
            pendingSince = now;
            Thread f = flusher;
            if (f == null) {
                f = new Thread(this::flushLoop, "devsec-mqtt-coalesce");
                f.setDaemon(true);
                flusher = f;
                f.start();
            } else {
                LockSupport.unpark(f);
            }
        }
    }

    private void flushLoop() {
        while (true) {
            long wait;
            synchronized (this) {
                if (closed || (pendingSince == 0 && socketClosed.getAsBoolean())) {
                    flusher = null;
                    return;
                }
                if (pendingSince == 0) {
                    wait = -1;
                } else {
                    long now = System.nanoTime();
                    wait = pendingSince + maxDelayNanos - now;
                    if (wait <= 0) {
                        try {
                            drainAndFlush(now);
                        } catch (IOException e) {
                            failure = e;
                            count = 0;
                            pendingSince = 0;
                            flusher = null;
                            onFailure.run();
                            return;
                        }
                        continue;
                    }
                }
            }
            LockSupport.parkNanos(this, wait < 0 ? TimeUnit.SECONDS.toNanos(1) : wait);
        }
    }

    /** The thread doing deferred flushes, if one runs (for tests). */
    Thread flushThread() {
        return flusher;
    }

    /** Writes out everything buffered now. */
    synchronized void flushNow() throws IOException {
        check();
        if (count > 0 || outDirty) {
            drainAndFlush(System.nanoTime());
        }
    }

    /** Caller holds this. */
    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            outDirty = true;
            count = 0;
        }
    }

    /** Caller holds this. */
    private void drainAndFlush(long now) throws IOException {
        drain();
        packetStart = 0;
        out.flush();
        outDirty = false;
        pendingSince = 0;
        lastFlush = now;
    }

    private void check() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("connection write failed: " + f.getMessage(), f);
        }
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    /** Ends the flush thread and closes the socket's stream; publishes still waiting are dropped. Never blocks on a writer. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Thread f = flusher;
        if (f != null) {
            LockSupport.unpark(f);
        }
        out.close();
    }
}
