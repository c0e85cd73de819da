package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.transport.InboundPacketTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MQTT fixed-header scanner that refuses oversized inbound packets (issue 9.6). Property
 * tests draw packet streams from {@link Random} seeds (printed, so a failure can be replayed with
 * {@code -Ddevsec.seed=N}) and cut them into random reads.
 */
class MqttPacketLimiterTest {
    static final int LIMIT = 70_000;

    static LongStream seeds() {
        String fixed = System.getProperty("devsec.seed");
        if (fixed != null) {
            return LongStream.of(Long.parseLong(fixed));
        }
        long base = System.nanoTime();
        return LongStream.range(0, 64).map(i -> base + i * 0x9E3779B97F4A7C15L);
    }

    /** One encoded packet: type byte, varint remaining length, body of that many bytes. */
    static byte[] packet(int type, int remaining, Random r) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((type << 4) | r.nextInt(16));
        int x = remaining;
        do {
            int digit = x % 128;
            x /= 128;
            o.write(x > 0 ? digit | 0x80 : digit);
        } while (x > 0);
        byte[] body = new byte[remaining];
        // Body bytes must never be read as headers: random ones for small bodies, a few sprinkled in large ones.
        if (remaining <= 4096) {
            r.nextBytes(body);
        } else {
            for (int i = 0; i < 64; i++) {
                body[r.nextInt(remaining)] = (byte) r.nextInt(256);
            }
        }
        o.write(body, 0, body.length);
        return o.toByteArray();
    }

    /** Lengths around the varint boundaries and the limit, then small ones (most MQTT traffic). */
    static int length(Random r, boolean allowOver) {
        int[] edges = {0, 1, 2, 126, 127, 128, 129, 16_383, 16_384, 16_385, LIMIT - 1, LIMIT};
        switch (r.nextInt(4)) {
            case 0:
                return edges[r.nextInt(edges.length)];
            case 1:
                return r.nextInt(LIMIT + 1);
            default:
                return allowOver && r.nextInt(8) == 0 ? LIMIT + 1 + r.nextInt(2_097_152) : r.nextInt(300);
        }
    }

    /** Feeds {@code stream} to the limiter in random cuts; returns the bytes scanned before a refusal, or all. */
    static int feed(MqttPacketLimiter l, byte[] stream, Random r, List<Integer> cuts) throws IOException {
        int i = 0;
        while (i < stream.length) {
            int n = 1 + r.nextInt(r.nextBoolean() ? 8 : 20_000);
            n = Math.min(n, stream.length - i);
            cuts.add(i + n);
            l.scan(stream, i, n);
            i += n;
        }
        return i;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scan_packetsWithinTheLimitInRandomCuts_countsEveryBoundaryAndNeverRefuses(long seed) throws IOException {
        System.out.println("MqttPacketLimiterTest seed " + seed);
        Random r = new Random(seed);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int count = 1 + r.nextInt(40);
        for (int k = 0; k < count; k++) {
            byte[] p = packet(1 + r.nextInt(15), length(r, false), r);
            all.write(p, 0, p.length);
        }
        MqttPacketLimiter l = new MqttPacketLimiter(LIMIT);
        feed(l, all.toByteArray(), r, new ArrayList<>());
        assertThat(l.packetsCompleted()).as("seed %d", seed).isEqualTo(count);
        assertThat(l.atPacketBoundary()).as("seed %d", seed).isTrue();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scan_oversizedPacketAfterGoodOnes_isRefusedInTheReadThatCompletesItsLength(long seed) throws IOException {
        System.out.println("MqttPacketLimiterTest seed " + seed);
        Random r = new Random(seed);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int good = r.nextInt(20);
        for (int k = 0; k < good; k++) {
            byte[] p = packet(1 + r.nextInt(15), length(r, false), r);
            all.write(p, 0, p.length);
        }
        int headerStart = all.size();
        int big = LIMIT + 1 + r.nextInt(268_000_000); // up to the largest remaining length MQTT can express
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x30);
        int x = big;
        do {
            int digit = x % 128;
            x /= 128;
            h.write(x > 0 ? digit | 0x80 : digit);
        } while (x > 0);
        int lastLengthByte = headerStart + h.size() - 1;
        all.write(h.toByteArray(), 0, h.size());
        byte[] tail = new byte[r.nextInt(1000)];
        all.write(tail, 0, tail.length);
        MqttPacketLimiter l = new MqttPacketLimiter(LIMIT);
        List<Integer> cuts = new ArrayList<>();
        assertThatThrownBy(() -> feed(l, all.toByteArray(), r, cuts)).as("seed %d", seed)
                .isInstanceOfSatisfying(InboundPacketTooLargeException.class, e -> {
                    assertThat(e.remainingLength()).isEqualTo(big);
                    assertThat(e.limit()).isEqualTo(LIMIT);
                    assertThat(e.packetType()).isEqualTo(3);
                });
        assertThat(l.packetsCompleted()).as("seed %d", seed).isEqualTo(good);
        // The refused read is the one holding the last length byte: nothing after it was scanned.
        int refusedEnd = cuts.get(cuts.size() - 1);
        int refusedStart = cuts.size() > 1 ? cuts.get(cuts.size() - 2) : 0;
        assertThat(lastLengthByte).as("seed %d", seed).isBetween(refusedStart, refusedEnd - 1);
    }

    @Test
    void scan_fiveByteRemainingLength_isMalformed() {
        MqttPacketLimiter l = new MqttPacketLimiter(MqttPacketLimiter.MQTT_MAX_REMAINING_LENGTH);
        byte[] b = {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
        assertThatThrownBy(() -> l.scan(b, 0, b.length)).isInstanceOf(IOException.class).hasMessageContaining("four bytes");
    }

    @Test
    void scan_maximumFourByteLengthWithinLimit_isAccepted() throws IOException {
        MqttPacketLimiter l = new MqttPacketLimiter(MqttPacketLimiter.MQTT_MAX_REMAINING_LENGTH);
        byte[] b = {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        l.scan(b, 0, b.length);
        assertThat(l.atPacketBoundary()).isFalse();
    }

    @Test
    void stream_oversizedHeader_readerNeverSeesTheLengthAndConnectionIsClosedOnce() throws IOException {
        Random r = new Random(1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] ok = packet(3, 10, r);
        all.write(ok, 0, ok.length);
        byte[] huge = {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}; // remaining length 128^3 = 2,097,152
        all.write(huge, 0, huge.length);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        InputStream in = new PacketLimitInputStream(new ByteArrayInputStream(all.toByteArray()), 1000,
                e -> refused.incrementAndGet(), closed::incrementAndGet);
        byte[] first = new byte[ok.length];
        assertThat(in.read(first, 0, first.length)).isEqualTo(ok.length);
        assertThat(first).isEqualTo(ok);
        byte[] next = new byte[16];
        assertThatThrownBy(() -> in.read(next, 0, next.length)).isInstanceOf(InboundPacketTooLargeException.class);
        assertThat(next).containsOnly((byte) 0);
        assertThatThrownBy(in::read).isInstanceOf(InboundPacketTooLargeException.class);
        assertThat(refused).hasValue(1);
        assertThat(closed).hasValue(1);
    }
}
