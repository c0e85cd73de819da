package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.transport.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescingOutputStreamTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough that two statements in a row never straddle it, short enough to wait for. */
    static final long DELAY = TimeUnit.MILLISECONDS.toNanos(500);

    /** What reached the socket, and how often it was flushed. */
    static final class Sink extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger flushes = new AtomicInteger();
        volatile int failAfterWrites = Integer.MAX_VALUE;
        int writes;

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (++writes > failAfterWrites) {
                throw new IOException("connection reset");
            }
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void flush_onAQuietConnection_goesOutAtOnce() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, "connect");
        assertThat(sink.text()).isEqualTo("connect");
        assertThat(sink.flushes).hasValue(1);
        assertThat(out.flushThread()).as("no thread for a quiet connection").isNull();
        out.close();
    }

    @Test
    void flushes_followingClosely_goOutTogetherWithinTheDelay() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, "a");
        send(out, "b");
        send(out, "c");
        assertThat(sink.text()).as("b and c wait for the deferred flush").isEqualTo("a");
        Waits.until(WAIT, "the deferred flush", () -> sink.text().equals("abc"));
        assertThat(sink.flushes).as("a alone, then b and c together").hasValue(2);
        out.close();
        Waits.until(WAIT, "the flush thread to end", () -> out.flushThread() == null || !out.flushThread().isAlive());
    }

    @Test
    void close_writesWhatWaitsForADeferredFlush() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, "a");
        send(out, "b");
        out.close();
        assertThat(sink.text()).isEqualTo("ab");
        assertThatThrownBy(() -> send(out, "late")).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void deferredFlushFailure_closesTheSocketAndIsThrownByTheNextWrite() throws Exception {
        Sink sink = new Sink();
        AtomicBoolean socketClosed = new AtomicBoolean();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, TimeUnit.MILLISECONDS.toNanos(20), () -> socketClosed.set(true),
                () -> false);
        send(out, "a");
        sink.failAfterWrites = 1;
        send(out, "b");
        Waits.until(WAIT, "the failed deferred flush to close the socket", socketClosed::get);
        assertThatThrownBy(() -> send(out, "c")).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
    }

    @Test
    void write_largerThanTheBuffer_goesStraightThroughAfterWhatWasBuffered() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        out.write("x".getBytes(StandardCharsets.US_ASCII));
        byte[] big = new byte[CoalescingOutputStream.BUFFER_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'y');
        out.write(big);
        out.flush();
        assertThat(sink.text()).isEqualTo("x" + "y".repeat(big.length));
        out.close();
    }

    @Test
    void flushThread_endsWhenTheSocketIsClosedElsewhere() throws Exception {
        Sink sink = new Sink();
        AtomicBoolean closedElsewhere = new AtomicBoolean();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, TimeUnit.MILLISECONDS.toNanos(20), () -> { },
                closedElsewhere::get);
        send(out, "a");
        send(out, "b");
        Waits.until(WAIT, "the deferred flush", () -> sink.text().equals("ab"));
        Thread t = out.flushThread();
        assertThat(t).isNotNull();
        closedElsewhere.set(true);
        Waits.until(WAIT, "the flush thread to end", () -> !t.isAlive());
    }

    @Test
    void randomWritesAndFlushes_reachTheSocketWholeAndInOrder() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            Sink sink = new Sink();
            CoalescingOutputStream out = new CoalescingOutputStream(sink, TimeUnit.MICROSECONDS.toNanos(1 + r.nextInt(200)),
                    () -> { }, () -> false);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[r.nextInt(r.nextInt(10) == 0 ? 40_000 : 300)];
                r.nextBytes(b);
                out.write(b);
                expected.write(b);
                if (r.nextBoolean()) {
                    out.flush();
                }
            }
            out.close();
            assertThat(sink.bytes.toByteArray()).as("seed %d", seed).isEqualTo(expected.toByteArray());
        }
    }
}
