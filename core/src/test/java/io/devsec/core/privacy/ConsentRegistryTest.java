package io.devsec.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.storage.Keystore;
import io.devsec.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentRegistryTest {

    @TempDir
    Path dir;

    final ManualClock clock = ManualClock.at("2026-03-01T09:00:00Z");

    @Test
    void newRegistry_everyPurposeNotGiven_checkThrowsConsentMissing() throws Exception {
        try (Keystore ks = Fixture.openKeystore(dir.resolve("data"))) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            assertThat(r.records()).extracting(ConsentRecord::state).containsExactly(ConsentState.NOT_GIVEN, ConsentState.NOT_GIVEN);
            assertThatThrownBy(() -> r.check("voice")).isInstanceOf(ConsentMissingException.class)
                    .satisfies(e -> assertThat(((ConsentMissingException) e).state()).isEqualTo(ConsentState.NOT_GIVEN));
        }
    }

    @Test
    void grantAndWithdraw_recordTimesFromClock_andSurviveReopen() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            r.grant("energy-history");
            r.check("energy-history");
            clock.advance(Duration.ofDays(3));
            r.withdraw("energy-history");
            clock.advance(Duration.ofHours(1));
            r.grant("voice");
        }
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            ConsentRecord energy = r.record("energy-history");
            assertThat(energy.state()).isEqualTo(ConsentState.WITHDRAWN);
            assertThat(energy.grantedAt()).contains(Instant.parse("2026-03-01T09:00:00Z"));
            assertThat(energy.withdrawnAt()).contains(Instant.parse("2026-03-04T09:00:00Z"));
            assertThatThrownBy(() -> r.check("energy-history")).isInstanceOf(ConsentMissingException.class);
            assertThat(r.record("voice").grantedAt()).contains(Instant.parse("2026-03-04T10:00:00Z"));
            r.check("voice");
            assertThat(ks.names()).contains(ConsentRegistry.ENTRY);
        }
    }

    @Test
    void consents_areNotStoredInPlainTextOnDisk() throws Exception {
        Path data = dir.resolve("data");
        try (Keystore ks = Fixture.openKeystore(data)) {
            ConsentRegistry.open(ks, Fixture.PURPOSES, clock).grant("energy-history");
        }
        for (Path f : Files.list(data).toList()) {
            assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("energy-history");
        }
    }

    @Test
    void listeners_toldAfterChange() throws Exception {
        try (Keystore ks = Fixture.openKeystore(dir.resolve("data"))) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            List<ConsentRecord> seen = new ArrayList<>();
            r.addListener(seen::add);
            r.grant("voice");
            r.withdraw("voice");
            assertThat(seen).extracting(ConsentRecord::state).containsExactly(ConsentState.GRANTED, ConsentState.WITHDRAWN);
        }
    }

    @Test
    void unknownPurpose_throwsIllegalArgument() throws Exception {
        try (Keystore ks = Fixture.openKeystore(dir.resolve("data"))) {
            ConsentRegistry r = ConsentRegistry.open(ks, Fixture.PURPOSES, clock);
            assertThatThrownBy(() -> r.grant("location")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location");
            assertThatThrownBy(() -> ConsentRegistry.open(ks, List.of(Fixture.VOICE, Fixture.VOICE), clock))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        }
    }

    @Test
    void corruptStoredRecords_throwCorruptPersonalData() throws Exception {
        try (Keystore ks = Fixture.openKeystore(dir.resolve("data"))) {
            ks.putSecret(ConsentRegistry.ENTRY, new byte[] {1, 0, 0, 0, 5});
            assertThatThrownBy(() -> ConsentRegistry.open(ks, Fixture.PURPOSES, clock))
                    .isInstanceOf(CorruptPersonalDataException.class);
        }
    }

    @Test
    void purposeBuilder_namesTheBadField() {
        assertThatThrownBy(() -> Purpose.builder("Bad Id").description("d").processor("p").reason("r").build())
                .hasMessageContaining("id");
        assertThatThrownBy(() -> Purpose.builder("ok").description("d").reason("r").build()).hasMessageContaining("processor");
        assertThatThrownBy(() -> Purpose.builder("ok").description("line\nbreak").processor("p").reason("r").build())
                .hasMessageContaining("description");
    }
}
