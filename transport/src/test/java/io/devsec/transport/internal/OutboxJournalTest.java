package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.transport.CorruptOutboxException;
import io.devsec.transport.OutboxFullException;
import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxJournalTest {
    static OutboxKey key;

    @TempDir
    Path dir;

    @BeforeAll
    static void key() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        key = OutboxKey.of(g.generateKey());
    }

    OutboxJournal open() throws Exception {
        return OutboxJournal.open(OutboxSettings.of(dir, key));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void open_journalFileIsOwnerOnly_andAnOlderLooseOneIsNarrowed() throws Exception {
        java.nio.file.Path journal = dir.resolve(OutboxJournal.FILE);
        try (OutboxJournal j = open()) {
            org.assertj.core.api.Assertions.assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");
        }
        java.nio.file.Files.setPosixFilePermissions(journal, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (OutboxJournal j = open()) {
            org.assertj.core.api.Assertions.assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");
        }
    }

    @Test
    void reopen_afterAppends_returnsPendingInOrder() throws Exception {
        try (OutboxJournal j = open()) {
            for (int i = 0; i < 50; i++) {
                j.append("devices/d/t", bytes("m" + i));
            }
            j.acknowledge(1);
            j.acknowledge(3);
        }
        try (OutboxJournal j = open()) {
            List<OutboxJournal.Entry> p = j.pending();
            assertThat(p).hasSize(48);
            assertThat(p.get(0).seq()).isEqualTo(2);
            assertThat(new String(p.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("m1");
            assertThat(p).extracting(OutboxJournal.Entry::seq).isSorted();
            assertThat(j.append("devices/d/t", bytes("next"))).isEqualTo(51);
        }
    }

    @Test
    void file_atRest_holdsNoPlaintextTopicOrPayload() throws Exception {
        try (OutboxJournal j = open()) {
            j.append("devices/secret-topic/x", bytes("very-secret-payload"));
        }
        String raw = new String(Files.readAllBytes(dir.resolve(OutboxJournal.FILE)), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("secret-topic").doesNotContain("very-secret-payload");
    }

    @Test
    void append_beyondCountLimit_throwsOutboxFullAndKeepsEverything() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(OutboxSettings.builder(dir, key).maxMessages(3).build())) {
            j.append("t", bytes("a"));
            j.append("t", bytes("b"));
            j.append("t", bytes("c"));
            assertThatThrownBy(() -> j.append("t", bytes("d"))).isInstanceOf(OutboxFullException.class)
                    .satisfies(e -> assertThat(((OutboxFullException) e).maxMessages()).isEqualTo(3));
            assertThat(j.size()).isEqualTo(3);
            j.acknowledge(1);
            j.append("t", bytes("d"));
        }
    }

    @Test
    void appendAll_isAllOrNothingAndKeepsOrder() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(OutboxSettings.builder(dir, key).maxMessages(5).build())) {
            long[] seqs = j.appendAll(List.of("a", "b", "c"), List.of(bytes("1"), bytes("2"), bytes("3")));
            assertThat(seqs).containsExactly(1, 2, 3);
            assertThatThrownBy(() -> j.appendAll(List.of("d", "e", "f"), List.of(bytes("4"), bytes("5"), bytes("6"))))
                    .isInstanceOf(OutboxFullException.class);
            assertThat(j.size()).isEqualTo(3);
            j.acknowledge(2);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::topic).containsExactly("a", "c");
            assertThat(j.append("g", bytes("7"))).isEqualTo(4);
        }
    }

    @Test
    void append_beyondByteLimit_throwsOutboxFull() throws Exception {
        try (OutboxJournal j = OutboxJournal.open(OutboxSettings.builder(dir, key).maxBytes(100).build())) {
            j.append("t", new byte[90]);
            assertThatThrownBy(() -> j.append("t", new byte[10])).isInstanceOf(OutboxFullException.class);
        }
    }

    @Test
    void open_tornTail_isCutAndWholeRecordsKept() throws Exception {
        try (OutboxJournal j = open()) {
            for (int i = 0; i < 10; i++) {
                j.append("t", bytes("m" + i));
            }
        }
        Path f = dir.resolve(OutboxJournal.FILE);
        long size = Files.size(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size - 7);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.size()).isEqualTo(9);
            assertThat(j.recoveredTornBytes()).isPositive();
            j.append("t", bytes("after"));
        }
        try (OutboxJournal j = open()) {
            assertThat(j.size()).isEqualTo(10);
            assertThat(j.recoveredTornBytes()).isZero();
        }
    }

    @Test
    void open_zeroFilledTail_isCut() throws Exception {
        try (OutboxJournal j = open()) {
            j.append("t", bytes("a"));
        }
        Path f = dir.resolve(OutboxJournal.FILE);
        Files.write(f, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        try (OutboxJournal j = open()) {
            assertThat(j.size()).isEqualTo(1);
        }
    }

    @Test
    void open_flippedBitInMiddleRecord_throwsCorruptOutbox() throws Exception {
        try (OutboxJournal j = open()) {
            for (int i = 0; i < 5; i++) {
                j.append("t", bytes("message-" + i));
            }
        }
        Path f = dir.resolve(OutboxJournal.FILE);
        byte[] b = Files.readAllBytes(f);
        b[8 + 30] ^= 0x01;
        Files.write(f, b);
        assertThatThrownBy(this::open).isInstanceOf(CorruptOutboxException.class).hasMessageContaining("checksum");
    }

    @Test
    void open_recordRewrittenWithValidChecksum_failsAuthentication() throws Exception {
        try (OutboxJournal j = open()) {
            j.append("t", bytes("message-a"));
            j.append("t", bytes("message-b"));
        }
        Path f = dir.resolve(OutboxJournal.FILE);
        byte[] b = Files.readAllBytes(f);
        int len = java.nio.ByteBuffer.wrap(b, 8, 4).getInt();
        b[8 + 8 + len - 1] ^= 0x01; // last tag byte of record 1
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, 16, len);
        java.nio.ByteBuffer.wrap(b).putInt(12, (int) c.getValue());
        Files.write(f, b);
        assertThatThrownBy(this::open).isInstanceOf(CorruptOutboxException.class).hasMessageContaining("authentication");
    }

    @Test
    void open_withOtherKey_throwsCorruptOutbox() throws Exception {
        try (OutboxJournal j = open()) {
            j.append("t", bytes("a"));
            j.append("t", bytes("b"));
        }
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        SecretKey other = g.generateKey();
        assertThatThrownBy(() -> OutboxJournal.open(OutboxSettings.of(dir, OutboxKey.of(other))))
                .isInstanceOf(CorruptOutboxException.class);
    }

    @Test
    void open_whileAnotherHolderHasIt_throwsIoException() throws Exception {
        try (OutboxJournal j = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void compaction_afterManyAcks_shrinksFileAndKeepsPendingAndSequence() throws Exception {
        try (OutboxJournal j = open()) {
            for (int i = 0; i < 3000; i++) {
                j.append("devices/d/t", new byte[100]);
            }
            long big = Files.size(j.file());
            for (long s = 1; s <= 2990; s++) {
                j.acknowledge(s);
            }
            assertThat(Files.size(j.file())).isLessThan(big / 3);
            assertThat(j.size()).isEqualTo(10);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).containsExactly(
                    2991L, 2992L, 2993L, 2994L, 2995L, 2996L, 2997L, 2998L, 2999L, 3000L);
            assertThat(j.append("t", bytes("x"))).isEqualTo(3001);
        }
    }

    @Test
    void append_concurrently_allDurableAndUnique() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (OutboxJournal j = open()) {
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                fs.add(pool.submit(() -> j.append("t", bytes("c" + n))));
            }
            List<Long> seqs = new ArrayList<>();
            for (Future<Long> f : fs) {
                seqs.add(f.get());
            }
            assertThat(seqs).doesNotHaveDuplicates().hasSize(400);
        } finally {
            pool.shutdownNow();
        }
        try (OutboxJournal j = open()) {
            assertThat(j.size()).isEqualTo(400);
        }
    }

    @Test
    void concurrentAppends_eachDurableWhenItReturns_shareFsyncs() throws Exception {
        int threads = 8;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long fsyncs;
        try (OutboxJournal j = open()) {
            List<Future<List<Long>>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int tt = t;
                fs.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        long seq = j.append("devices/d/t" + tt, bytes(tt + ":" + i));
                        // group commit must not weaken the promise: durable when append returns
                        assertThat(j.isDurable(seq)).isTrue();
                        seqs.add(seq);
                    }
                    return seqs;
                }));
            }
            for (Future<List<Long>> f : fs) {
                assertThat(f.get()).isSorted();
            }
            fsyncs = j.fsyncCount();
        } finally {
            pool.shutdownNow();
        }
        assertThat(fsyncs).isPositive().isLessThan((long) threads * each);
        try (OutboxJournal j = open()) {
            assertThat(j.size()).isEqualTo(threads * each);
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void appendUnsynced_isDurableOnlyAfterSync_andOneSyncCoversEveryEarlierRecord() throws Exception {
        try (OutboxJournal j = open()) {
            long before = j.fsyncCount();
            long[] a = j.appendAllUnsynced(List.of("devices/d/a"), List.of(bytes("a")));
            long[] b = j.appendAllUnsynced(List.of("devices/d/b", "devices/d/c"), List.of(bytes("b"), bytes("c")));
            assertThat(j.isDurable(a[0])).isFalse();
            assertThat(j.isDurable(b[1])).isFalse();
            assertThat(j.hasUnsynced()).isTrue();
            assertThat(j.size()).isEqualTo(3);
            j.syncUpTo(a[0]);
            assertThat(j.isDurable(b[1])).isTrue();
            assertThat(j.hasUnsynced()).isFalse();
            assertThat(j.fsyncCount() - before).isEqualTo(1);
            j.syncAll();
            assertThat(j.fsyncCount() - before).isEqualTo(1);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::topic).containsExactly("devices/d/a", "devices/d/b", "devices/d/c");
            assertThat(j.isDurable(3)).isTrue();
        }
    }

    @Test
    void compaction_makesUnsyncedRecordsDurable() throws Exception {
        try (OutboxJournal j = open()) {
            long[] s = j.appendAllUnsynced(List.of("devices/d/a", "devices/d/b"), List.of(bytes("a"), bytes("b")));
            j.compact();
            assertThat(j.isDurable(s[1])).isTrue();
            long next = j.append("devices/d/c", bytes("c"));
            assertThat(next).isEqualTo(s[1] + 1);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::topic).containsExactly("devices/d/a", "devices/d/b", "devices/d/c");
        }
    }

    @Test
    void compaction_withRecordsLargerThanItsWriteChunk_keepsThemWhole() throws Exception {
        byte[] big = new byte[300 * 1024];
        new java.util.Random(1).nextBytes(big);
        long bigSeq;
        try (OutboxJournal j = open()) {
            j.append("devices/d/small", bytes("first"));
            bigSeq = j.append("devices/d/big", big);
            for (int i = 0; i < 1500; i++) {
                j.append("devices/d/small", bytes("s" + i));
            }
            long before = Files.size(j.file());
            for (long s = bigSeq + 1; s <= bigSeq + 1500; s++) {
                j.acknowledge(s);
            }
            assertThat(Files.size(j.file())).as("compacted").isLessThan(before);
        }
        try (OutboxJournal j = open()) {
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).containsExactly(1L, bigSeq);
            assertThat(j.pending().get(1).payload()).isEqualTo(big);
        }
    }
}
