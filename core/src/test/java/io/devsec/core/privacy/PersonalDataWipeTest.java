package io.devsec.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import io.devsec.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalDataWipeTest {

    @TempDir
    Path dir;

    final ManualClock clock = ManualClock.at("2026-03-01T09:00:00Z");

    static final List<String> MARKERS = List.of("MARKER-owner-Alice-7f3a", "MARKER-address-Elm-Street-42", "MARKER-voice-9b1c");

    /** Every byte of every file under {@code folder}, as ISO-8859-1 text (one char per byte). */
    static String allBytesUnder(Path folder) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\u0000');
            }
        }
        return sb.toString();
    }

    @Test
    void wipe_markersAndKeyGoneFromEveryFile_identityKept_receiptConfirms() throws Exception {
        Path data = dir.resolve("data");
        byte[] personalKey;
        long outboxItems = 4;
        try (Keystore ks = Fixture.openKeystore(data)) {
            ks.putSecret("identity/key", "not-personal-identity".getBytes(StandardCharsets.UTF_8));
            ks.advanceCounter("update/rollback", 7);
            ConsentRegistry registry = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            ConsentGate gate = ConsentGate.builder().registry(registry).store(store).releaseSink((p, t, m) -> { }).build();
            registry.grant("energy-history");
            store.put("owner", MARKERS.get(0).getBytes(StandardCharsets.UTF_8));
            store.put("address", MARKERS.get(1).getBytes(StandardCharsets.UTF_16BE));
            gate.offer("voice", "t/v", MARKERS.get(2).getBytes(StandardCharsets.UTF_8));
            personalKey = ks.secret(PersonalDataStore.KEY_ENTRY).orElseThrow();
            // Plain markers are not on disk even before the wipe (sealed), but the test must be able to fail:
            // prove the scanner finds a marker the moment one is written in the clear.
            Path probe = data.resolve("personal/probe.txt");
            Files.writeString(probe, MARKERS.get(0));
            assertThat(allBytesUnder(data)).contains(MARKERS.get(0));

            PersonalDataWipe wipe = PersonalDataWipe.builder().store(store).consentRegistry(registry).consentGate(gate)
                    .clock(clock).action("outbox", () -> WipeAction.Result.of(outboxItems, 1000)).build();
            WipeReceipt receipt = wipe.wipe();

            assertThat(receipt.instant()).isEqualTo(Instant.parse("2026-03-01T09:00:00Z"));
            assertThat(receipt.keysDestroyed()).containsExactly(PersonalDataStore.KEY_ENTRY, ConsentRegistry.ENTRY);
            assertThat(receipt.filesRemoved()).isEqualTo(4); // owner, address, held.voice, probe
            assertThat(receipt.itemsRemoved()).contains("personal/owner.pd", "personal/address.pd", "personal/held.voice.pd",
                    "consent records (1)", "outbox (4 items)");
            assertThat(receipt.bytesRemoved()).isGreaterThan(1000);
            assertThat(receipt.consentsCleared()).isEqualTo(1);
            assertThat(receipt.heldMessagesDropped()).isEqualTo(1);
            assertThat(receipt.extraActions()).containsEntry("outbox", WipeAction.Result.of(4, 1000));
            assertThat(receipt.failures()).isEmpty();
            assertThat(receipt.text()).contains("Keys destroyed: " + PersonalDataStore.KEY_ENTRY).doesNotContain("MARKER");
            assertThat(receipt.json()).contains("\"filesRemoved\":4").doesNotContain("MARKER");

            assertThat(ks.names()).doesNotContain(PersonalDataStore.KEY_ENTRY, ConsentRegistry.ENTRY)
                    .contains("identity/key", "update/rollback");
            assertThat(ks.counter("update/rollback")).isEqualTo(7);
            assertThat(registry.state("energy-history")).isEqualTo(ConsentState.NOT_GIVEN);
            assertThat(gate.heldCount("voice")).isZero();
            assertThat(store.names()).isEmpty();
            assertThat(store.get("owner")).isEmpty();
        }
        // With the keystore closed (its file fully written), scan every byte under the data folder.
        String everything = allBytesUnder(data);
        for (String m : MARKERS) {
            assertThat(everything).doesNotContain(m);
            assertThat(everything).doesNotContain(new String(m.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.ISO_8859_1));
        }
        assertThat(everything).doesNotContain(new String(personalKey, StandardCharsets.ISO_8859_1));
        assertThat(everything.toLowerCase()).doesNotContain(HexFormat.of().formatHex(personalKey));
        assertThat(data.resolve("personal")).doesNotExist();
        try (Keystore ks = Fixture.openKeystore(data)) {
            assertThat(ks.names()).doesNotContain(PersonalDataStore.KEY_ENTRY).contains("identity/key");
            ConsentRegistry registry = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            assertThat(registry.records()).extracting(ConsentRecord::state).containsOnly(ConsentState.NOT_GIVEN);
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            store.put("owner", new byte[] {1});
            assertThat(ks.secret(PersonalDataStore.KEY_ENTRY).orElseThrow()).as("a fresh key, not the old one").isNotEqualTo(personalKey);
        }
    }

    @Test
    void wipe_actionFails_keyStillDestroyed_throwsWithPartialReceipt() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            store.put("owner", MARKERS.get(0).getBytes(StandardCharsets.UTF_8));
            PersonalDataWipe wipe = PersonalDataWipe.builder().store(store).clock(clock)
                    .action("outbox", () -> {
                        throw new IOException("disk full");
                    })
                    .action("cache", () -> WipeAction.Result.of(1, 10)).build();
            assertThatThrownBy(wipe::wipe).isInstanceOf(WipeIncompleteException.class).satisfies(e -> {
                WipeReceipt partial = ((WipeIncompleteException) e).partialReceipt();
                assertThat(partial.failures()).containsExactly("outbox: IOException");
                assertThat(partial.keysDestroyed()).containsExactly(PersonalDataStore.KEY_ENTRY);
                assertThat(partial.extraActions()).containsKey("cache");
            });
            assertThat(ks.names()).doesNotContain(PersonalDataStore.KEY_ENTRY);
        }
    }

    @Test
    void wipe_nothingStored_returnsEmptyReceipt() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            WipeReceipt r = PersonalDataWipe.builder().store(PersonalDataStore.open(data, ks)).clock(clock).build().wipe();
            assertThat(r.keysDestroyed()).isEmpty();
            assertThat(r.filesRemoved()).isZero();
        }
    }

    @Test
    void builder_refusesIdentityEntries() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            PersonalDataStore store = PersonalDataStore.open(data, ks);
            assertThatThrownBy(() -> PersonalDataWipe.builder().store(store).keystoreEntry("identity/key").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity/key");
        }
    }

    @Test
    void dataUseStatement_listsPurposesProcessorsReasonsAndConsent() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            r.grant("energy-history");
            DataUseStatement s = DataUseStatement.of("Acme Plug", r);
            assertThat(s.text()).contains("How Acme Plug uses personal data", "Hourly energy use", "Acme Cloud Ltd (EU)",
                    "SpeechCo Inc.", "To understand spoken commands", "given on 2026-03-01T09:00:00Z", "not given");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.json());
            assertThat(json.get("purposes").get(0).get("consent").asText()).isEqualTo("GRANTED");
            assertThat(json.get("purposes").get(1).get("processors")).hasSize(2);
        }
    }
}
