package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {

    @Test
    void getValue_standardCheckString_isE3069283() {
        Crc32c c = new Crc32c();
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        c.update(b, 0, b.length);
        assertThat(c.getValue()).isEqualTo(0xE3069283L);
    }

    @Test
    void update_randomArraysOffsetsAndSplits_matchesJdkCrc32c() {
        long seed = Long.getLong("devsec.seed", new Random().nextLong());
        Random r = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            byte[] data = new byte[r.nextInt(300)];
            r.nextBytes(data);
            int off = data.length == 0 ? 0 : r.nextInt(data.length);
            int len = r.nextInt(data.length - off + 1);
            int split = r.nextInt(len + 1);
            Crc32c ours = new Crc32c();
            ours.update(data, off, split);
            ours.update(data, off + split, len - split);
            CRC32C jdk = new CRC32C();
            jdk.update(data, off, len);
            assertThat(ours.getValue()).as("seed %d (replay: -Ddevsec.seed=%d), case %d", seed, seed, i)
                    .isEqualTo(jdk.getValue());
        }
    }

    @Test
    void update_heapDirectAndSingleBytes_matchJdkCrc32c() {
        byte[] data = new byte[10_007];
        new Random(7).nextBytes(data);
        CRC32C jdk = new CRC32C();
        jdk.update(data, 0, data.length);

        Crc32c heap = new Crc32c();
        ByteBuffer hb = ByteBuffer.wrap(data, 3, data.length - 3).slice();
        heap.update(ByteBuffer.wrap(data, 0, 3));
        heap.update(hb);
        assertThat(heap.getValue()).isEqualTo(jdk.getValue());
        assertThat(hb.hasRemaining()).isFalse();

        Crc32c direct = new Crc32c();
        ByteBuffer db = ByteBuffer.allocateDirect(data.length);
        db.put(data).flip();
        direct.update(db);
        assertThat(direct.getValue()).isEqualTo(jdk.getValue());

        Crc32c single = new Crc32c();
        for (byte x : data) {
            single.update(x);
        }
        assertThat(single.getValue()).isEqualTo(jdk.getValue());

        single.reset();
        single.update(data, 0, data.length);
        assertThat(single.getValue()).isEqualTo(jdk.getValue());
    }
}
