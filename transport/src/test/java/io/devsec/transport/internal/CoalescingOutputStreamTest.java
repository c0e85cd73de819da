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
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static final char PUBLISH = 0x30;
    static final char DISCONNECT = 0xE0;

    /** Writes one packet, its first byte the packet type, and flushes, as Paho does. */
    static void send(OutputStream out, char type, String body) throws IOException {
        out.write((type + body).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String p(String body) {
        return PUBLISH + body;
    }

    @Test
    void publish_onAQuietConnection_goesOutAtOnce() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, PUBLISH, "a");
        assertThat(sink.text()).isEqualTo(p("a"));
        assertThat(sink.flushes).hasValue(1);
        assertThat(out.flushThread()).as("no thread for a quiet connection").isNull();
        out.close();
    }

    @Test
    void publishes_followingClosely_goOutTogetherWithinTheDelay() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, PUBLISH, "a");
        send(out, PUBLISH, "b");
        send(out, PUBLISH, "c");
        assertThat(sink.text()).as("b and c wait for the deferred flush").isEqualTo(p("a"));
        Waits.until(WAIT, "the deferred flush", () -> sink.text().equals(p("a") + p("b") + p("c")));
        assertThat(sink.flushes).as("a alone, then b and c together").hasValue(2);
        out.close();
        Waits.until(WAIT, "the flush thread to end", () -> out.flushThread() == null || !out.flushThread().isAlive());
    }

    @Test
    void otherPacket_goesOutAtOnceWithThePublishesWaitingBeforeIt() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        send(out, PUBLISH, "a");
        send(out, PUBLISH, "b");
        send(out, DISCONNECT, "");
        assertThat(sink.text()).isEqualTo(p("a") + p("b") + DISCONNECT);
        assertThat(sink.flushes).hasValue(2);
        out.close();
    }

    @Test
    void close_doesNotWaitForAWriterStuckOnADeadPeer() throws Exception {
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        OutputStream deadPeer = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stuck.countDown();
                try {
                    release.await(); // a full send buffer: blocks until the socket is closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void close() {
                release.countDown();
            }
        };
        CoalescingOutputStream out = new CoalescingOutputStream(deadPeer, DELAY, () -> { }, () -> false);
        Thread writer = new Thread(() -> {
            try {
                send(out, PUBLISH, "a");
            } catch (IOException e) {
                // expected once closed
            }
        });
        writer.start();
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<Void> closing = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                out.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        closing.get(10, TimeUnit.SECONDS);
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        assertThatThrownBy(() -> send(out, PUBLISH, "late")).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void deferredFlushFailure_closesTheSocketAndIsThrownByTheNextWrite() throws Exception {
        Sink sink = new Sink();
        AtomicBoolean socketClosed = new AtomicBoolean();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, TimeUnit.MILLISECONDS.toNanos(20), () -> socketClosed.set(true),
                () -> false);
        send(out, PUBLISH, "a");
        sink.failAfterWrites = 1;
        send(out, PUBLISH, "b");
        Waits.until(WAIT, "the failed deferred flush to close the socket", socketClosed::get);
        assertThatThrownBy(() -> send(out, PUBLISH, "c")).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
    }

    @Test
    void write_largerThanTheBuffer_goesStraightThroughAfterWhatWasBuffered() throws Exception {
        Sink sink = new Sink();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, DELAY, () -> { }, () -> false);
        out.write(p("x").getBytes(StandardCharsets.ISO_8859_1));
        byte[] big = new byte[CoalescingOutputStream.BUFFER_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'y');
        out.write(big);
        out.flush();
        assertThat(sink.text()).isEqualTo(p("x") + "y".repeat(big.length));
        out.close();
    }

    @Test
    void flushThread_endsWhenTheSocketIsClosedElsewhere() throws Exception {
        Sink sink = new Sink();
        AtomicBoolean closedElsewhere = new AtomicBoolean();
        CoalescingOutputStream out = new CoalescingOutputStream(sink, TimeUnit.MILLISECONDS.toNanos(20), () -> { },
                closedElsewhere::get);
        send(out, PUBLISH, "a");
        send(out, PUBLISH, "b");
        Waits.until(WAIT, "the deferred flush", () -> sink.text().equals(p("a") + p("b")));
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
            out.flushNow();
            out.close();
            assertThat(sink.bytes.toByteArray()).as("seed %d", seed).isEqualTo(expected.toByteArray());
        }
    }
}
