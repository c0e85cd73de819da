package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9.8: AES-GCM under the long-lived outbox key. The outbox key only wraps per-generation
 * data keys; records use deterministic nonces under their generation's key, which rotates before
 * the limit (set to 10 here). The file is decoded independently of {@link OutboxJournal}: every
 * record decrypts, no nonce repeats, and format 1 files still read.
 */
class OutboxKeyRotationTest {
    static final byte[] KEY_BYTES = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final SecretKey MASTER = new SecretKeySpec(KEY_BYTES, "AES");
    static final byte[] AAD_PREFIX = "devsec-outbox/v1".getBytes(StandardCharsets.US_ASCII);
    static final byte KEY = 5;

    @TempDir
    Path dir;

    OutboxSettings settings() {
        return OutboxSettings.of(dir, OutboxKey.of(MASTER));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One record as the file holds it, decrypted by the test itself. */
    record Decoded(byte type, long seq, byte[] nonce, int generation, byte[] plain) {
    }

    /** Walks the file: KEY records decrypt under the outbox key, every other record under the latest KEY record's data key. */
    static List<Decoded> decode(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] magic = new byte[8];
        b.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("DSOUTBX2");
        List<Decoded> out = new ArrayList<>();
        SecretKey data = null;
        byte[] prefix = null;
        int generation = 0;
        while (b.remaining() >= 8) {
            int len = b.getInt();
            b.getInt(); // CRC32C
            byte type = b.get();
            long seq = b.getLong();
            byte[] nonce = new byte[12];
            b.get(nonce);
            byte[] ct = new byte[len - 1 - 8 - 12];
            b.get(ct);
            SecretKey k = type == KEY ? MASTER : data;
            assertThat(k).as("a data record before any KEY record").isNotNull();
            if (type != KEY) {
                assertThat(Arrays.copyOfRange(nonce, 0, 4)).as("the generation's nonce prefix").isEqualTo(prefix);
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
            byte[] aad = Arrays.copyOf(AAD_PREFIX, AAD_PREFIX.length + 9);
            aad[AAD_PREFIX.length] = type;
            ByteBuffer.wrap(aad, AAD_PREFIX.length + 1, 8).putLong(seq);
            c.updateAAD(aad);
            byte[] plain = c.doFinal(ct);
            if (type == KEY) {
                assertThat(plain).hasSize(36);
                prefix = Arrays.copyOfRange(plain, 0, 4);
                data = new SecretKeySpec(plain, 4, 32, "AES");
                generation++;
            }
            out.add(new Decoded(type, seq, nonce, type == KEY ? 0 : generation, plain));
        }
        assertThat(b.remaining()).isZero();
        return out;
    }

    static void assertNoNonceRepeats(List<Decoded> records) {
        Set<String> seen = new HashSet<>();
        for (Decoded d : records) {
            // Per key: the outbox key (generation 0) or one data key (generation n).
            assertThat(seen.add(d.generation() + ":" + HexFormat.of().formatHex(d.nonce())))
                    .as("nonce %s repeated under generation %d", HexFormat.of().formatHex(d.nonce()), d.generation()).isTrue();
        }
        // Data nonces are prefix || counter: consecutive within a generation, from 0.
        long expected = 0;
        int gen = 0;
        for (Decoded d : records) {
            if (d.type() == KEY) {
                continue;
            }
            if (d.generation() != gen) {
                gen = d.generation();
                expected = 0;
            }
            assertThat(ByteBuffer.wrap(d.nonce(), 4, 8).getLong()).isEqualTo(expected++);
        }
    }

    @Test
    void append_pastRotationPoint_newDataKeyEveryTenRecords_allDecryptAndNoNonceRepeats() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(settings(), 10)) {
            for (int i = 1; i <= 35; i++) {
                j.append("devices/d/t", bytes("m" + i));
            }
            for (long s = 1; s <= 5; s++) {
                j.acknowledge(s);
            }
            assertThat(j.generationsStarted()).isEqualTo(4);
        }
        List<Decoded> records = decode(dir.resolve(OutboxJournal.FILE));
        assertNoNonceRepeats(records);
        assertThat(records.stream().filter(d -> d.type() == KEY).count()).as("generations").isEqualTo(4);
        assertThat(records.stream().filter(d -> d.type() != KEY).mapToInt(Decoded::generation).max().getAsInt()).isEqualTo(4);
        // At most 10 records per data key: 35 appends and 1 acknowledgement record = 36 = 10 + 10 + 10 + 6.
        assertThat(records.stream().filter(d -> d.type() != KEY).collect(
                java.util.stream.Collectors.groupingBy(Decoded::generation, java.util.stream.Collectors.counting())).values())
                .containsExactly(10L, 10L, 10L, 6L);
        // Records before and after each rotation decrypt (here and through the journal).
        try (OutboxJournal j = OutboxJournal.open(settings(), 10)) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(6, 35).boxed().toList());
            assertThat(new String(j.pending().get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("m6");
            assertThat(new String(j.pending().get(29).payload(), StandardCharsets.UTF_8)).isEqualTo("m35");
            j.append("devices/d/t", bytes("after-reopen"));
        }
        List<Decoded> again = decode(dir.resolve(OutboxJournal.FILE));
        assertNoNonceRepeats(again);
        // A reopened journal never continues an old generation's counter: it starts a new one.
        assertThat(again.stream().filter(d -> d.type() == KEY).count()).isEqualTo(5);
    }

    @Test
    void compact_rewritesUnderAFreshDataKey_andNothingRepeats() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(settings(), 10)) {
            for (int i = 1; i <= 25; i++) {
                j.append("devices/d/t", bytes("m" + i));
            }
            for (long s = 1; s <= 20; s++) {
                j.acknowledge(s);
            }
            j.compact();
            j.append("devices/d/t", bytes("m26"));
        }
        List<Decoded> records = decode(dir.resolve(OutboxJournal.FILE));
        assertNoNonceRepeats(records);
        assertThat(records.get(0).type()).isEqualTo(KEY);
        assertThat(records.stream().filter(d -> d.type() == 1).map(d -> d.seq()).toList())
                .containsExactly(21L, 22L, 23L, 24L, 25L, 26L);
        try (OutboxJournal j = OutboxJournal.open(settings())) {
            assertThat(j.pending()).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                    .containsExactly("m21", "m22", "m23", "m24", "m25", "m26");
        }
    }

    @Test
    void open_journalWrittenInFormatOne_readsItAndRewritesItInFormatTwo() throws Exception {
        // Written by the format 1 code (every record under the outbox key with a random nonce):
        // five appends under key 00..1f, then seq 2 acknowledged.
        try (InputStream in = getClass().getResourceAsStream("/outbox-v1/outbox.journal")) {
            Files.copy(in, dir.resolve(OutboxJournal.FILE));
        }
        assertThat(new String(Files.readAllBytes(dir.resolve(OutboxJournal.FILE)), 0, 8, StandardCharsets.US_ASCII))
                .isEqualTo("DSOUTBX1");
        try (OutboxJournal j = OutboxJournal.open(settings())) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).containsExactly(1L, 3L, 4L, 5L);
            assertThat(j.pending()).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                    .containsExactly("old-format-1", "old-format-3", "old-format-4", "old-format-5");
            assertThat(j.append("devices/d/v1", bytes("new-format-6"))).isEqualTo(6);
        }
        List<Decoded> records = decode(dir.resolve(OutboxJournal.FILE));
        assertNoNonceRepeats(records);
        try (OutboxJournal j = OutboxJournal.open(settings())) {
            assertThat(j.pending()).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                    .containsExactly("old-format-1", "old-format-3", "old-format-4", "old-format-5", "new-format-6");
        }
    }
}
