package io.devsec.transport.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Gathers the packets of a busy connection into fewer TLS records and system calls. Paho flushes
 * after every packet; when packets follow each other closely (the previous flush less than
 * {@code maxDelayNanos} ago) a flush is put off for at most that delay, so that the packets written
 * meanwhile go out together. A packet on a quiet connection is flushed at once: single messages,
 * pings and acknowledgements gain no latency. A full buffer is written at once.
 *
 * <p>The deferred flush is done by one daemon thread per stream, which sleeps while nothing waits.
 * A write error of that thread is thrown by the next write or flush, and closes the socket so that
 * Paho's reader sees the broken connection at once.
 */
final class CoalescingOutputStream extends OutputStream {
    /** Just below TLS's largest record (16 KiB of plaintext), so a full buffer is one record. */
    static final int BUFFER_BYTES = 16 * 1024 - 512;

    private final OutputStream out;
    private final Runnable onFailure;
    private final java.util.function.BooleanSupplier socketClosed;
    private final long maxDelayNanos;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int count;
    /** When the oldest unflushed byte was flushed by the writer (0: nothing waits). Guarded by this. */
    private long pendingSince;
    private long lastFlush;
    private IOException failure;
    private boolean closed;
    private volatile Thread flusher;

    /**
     * @param out where the packets go (the TLS socket's stream)
     * @param maxDelayNanos how long a flush may be put off
     * @param onFailure run when a deferred flush fails (closes the socket)
     * @param socketClosed whether the socket was closed without closing this stream: the flush
     *     thread then ends
     */
    CoalescingOutputStream(OutputStream out, long maxDelayNanos, Runnable onFailure, java.util.function.BooleanSupplier socketClosed) {
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
            drain();
        }
        if (len >= buf.length) {
            out.write(b, off, len);
            return;
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public synchronized void flush() throws IOException {
        check();
        if (count == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastFlush >= maxDelayNanos) {
            // a quiet connection: out at once
            drainAndFlush(now);
            return;
        }
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
                            onFailure.run();
                            return;
                        }
                        continue;
                    }
                }
            }
            if (wait < 0) {
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            } else {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /** The thread doing deferred flushes, if one runs (for tests). */
    Thread flushThread() {
        return flusher;
    }

    /** Writes out everything buffered now. */
    synchronized void flushNow() throws IOException {
        check();
        if (count > 0) {
            drainAndFlush(System.nanoTime());
        }
    }

    /** Caller holds this. */
    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    /** Caller holds this. */
    private void drainAndFlush(long now) throws IOException {
        drain();
        out.flush();
        pendingSince = 0;
        lastFlush = now;
    }

    private void check() throws IOException {
        if (failure != null) {
            throw new IOException("connection write failed: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    @Override
    public void close() throws IOException {
        Thread f;
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (failure == null) {
                    drain();
                    out.flush();
                }
            } finally {
                closed = true;
                f = flusher;
            }
        }
        if (f != null) {
            LockSupport.unpark(f);
        }
        out.close();
    }
}
