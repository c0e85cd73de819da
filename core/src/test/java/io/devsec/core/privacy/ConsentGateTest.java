package io.devsec.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.privacy.ConsentGate.Decision;
import io.devsec.storage.Keystore;
import io.devsec.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentGateTest {

    @TempDir
    Path dir;

    final ManualClock clock = ManualClock.at("2026-03-01T09:00:00Z");
    final List<String> sent = new ArrayList<>();
    boolean sinkFails;

    ConsentGate.Sink sink = (purpose, topic, payload) -> {
        if (sinkFails) {
            throw new IOException("broker down");
        }
        sent.add(purpose + " " + topic + " " + new String(payload, StandardCharsets.UTF_8));
    };

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    ConsentGate gate(ConsentRegistry r, PersonalDataStore s) throws Exception {
        return ConsentGate.builder().registry(r).store(s).releaseSink(sink).maxHeldMessages(3).build();
    }

    @Test
    void notGiven_holds_thenGrant_releasesInOrder_thenSends() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            ConsentGate g = gate(r, PersonalDataStore.open(data, ks));
            assertThat(g.offer("energy-history", "t/energy", b("kwh=1"))).isEqualTo(Decision.HELD);
            assertThat(g.offer("energy-history", "t/energy", b("kwh=2"))).isEqualTo(Decision.HELD);
            assertThat(g.heldCount("energy-history")).isEqualTo(2);
            assertThat(sent).isEmpty();
            r.grant("energy-history");
            assertThat(sent).containsExactly("energy-history t/energy kwh=1", "energy-history t/energy kwh=2");
            assertThat(g.heldCount("energy-history")).isZero();
            assertThat(g.releasedCount()).isEqualTo(2);
            assertThat(g.offer("energy-history", "t/energy", b("kwh=3"))).isEqualTo(Decision.SEND);
            assertThat(g.offer("voice", "t/voice", b("hello"))).as("other purpose still without consent").isEqualTo(Decision.HELD);
        }
    }

    @Test
    void withdraw_dropsHeldAndNewMessages_andCountsThem() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            ConsentGate g = gate(r, store);
            g.offer("voice", "t/v", b("one"));
            g.offer("voice", "t/v", b("two"));
            r.withdraw("voice");
            assertThat(g.heldCount("voice")).isZero();
            assertThat(store.names()).doesNotContain(ConsentGate.itemName("voice"));
            assertThat(g.offer("voice", "t/v", b("three"))).isEqualTo(Decision.DROPPED);
            assertThat(g.droppedCount()).isEqualTo(3);
            r.grant("voice");
            assertThat(sent).as("dropped messages never come back").isEmpty();
        }
    }

    @Test
    void fullQueue_dropsOldestAndCountsIt() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            ConsentGate g = gate(r, PersonalDataStore.open(data, ks));
            for (int i = 1; i <= 5; i++) {
                assertThat(g.offer("voice", "t/v", b("m" + i))).isEqualTo(Decision.HELD);
            }
            assertThat(g.heldCount("voice")).isEqualTo(3);
            assertThat(g.droppedCount()).isEqualTo(2);
            r.grant("voice");
            assertThat(sent).containsExactly("voice t/v m3", "voice t/v m4", "voice t/v m5");
        }
    }

    @Test
    void heldMessages_surviveRestart_sealedOnDisk() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            gate(r, PersonalDataStore.open(data, ks)).offer("voice", "t/v", b("secret-utterance"));
        }
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("secret-utterance");
            }
        }
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            ConsentGate g = gate(r, PersonalDataStore.open(data, ks));
            assertThat(g.heldCount("voice")).isEqualTo(1);
            r.grant("voice");
            assertThat(sent).containsExactly("voice t/v secret-utterance");
        }
    }

    @Test
    void sinkFails_messagesStayHeld_releaseHeldRetries_newMessagesQueueBehind() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            ConsentGate g = gate(r, PersonalDataStore.open(data, ks));
            g.offer("voice", "t/v", b("a"));
            sinkFails = true;
            r.grant("voice");
            assertThat(g.heldCount("voice")).isEqualTo(1);
            assertThat(g.offer("voice", "t/v", b("b"))).as("kept in order behind the held one").isEqualTo(Decision.HELD);
            sinkFails = false;
            g.releaseHeld();
            assertThat(sent).containsExactly("voice t/v a", "voice t/v b");
            assertThat(g.offer("voice", "t/v", b("c"))).isEqualTo(Decision.SEND);
        }
    }
}
