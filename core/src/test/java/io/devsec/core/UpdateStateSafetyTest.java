package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.DeviceStatus.SoftwareIntegrity;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.Severity;
import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.Slot;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 9.7 and 9.8 through the facade: the installed metadata is stored before a trial starts, a
 * trial that cannot be verified is never confirmed, an unverifiable running version is a WARNING
 * event, and the default boot state is authenticated with a key from the keystore.
 */
class UpdateStateSafetyTest {
    @TempDir
    Path dir;

    final UpdateSigner maker = new UpdateSigner();
    final Instant expires = Instant.now().plus(Duration.ofDays(365));
    final byte[] shippedRoot = maker.root(expires);
    final AtomicReference<UpdateOffer> offered = new AtomicReference<>();
    final TrialPolicy policy = TrialPolicy.of(3, Duration.ofMinutes(10));
    static final byte[] TEST_STATE_KEY = "core-test-own-boot-state-key-32b".getBytes(StandardCharsets.US_ASCII);

    /** The process dies here: nothing catches it on the way out. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash after " + step);
        }
    }

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").build();
    }

    UpdateSettings.Builder settings() {
        return withoutTrialPolicy().trialPolicy(policy);
    }

    /** For an application's own boot control, which carries the trial policy itself. */
    UpdateSettings.Builder withoutTrialPolicy() {
        return UpdateSettings.builder(shippedRoot, UpdateSigner.HARDWARE)
                .source(installed -> Optional.ofNullable(offered.getAndSet(null)))
                .healthCheck(() -> { })
                .schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO));
    }

    void offer(long version) throws Exception {
        byte[] md = maker.update(version, UpdateSigner.image(version), expires);
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(UpdateSigner.image(version))));
    }

    Path slots() {
        return dir.resolve("device").resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER);
    }

    /** An application-supplied boot control on its own folder; {@code crashAfterTrial} dies right after startTrial. */
    BootControl ownBootControl(boolean crashAfterTrial) throws IOException {
        BootControl b = BootControl.fileBased(dir.resolve("own-slots"), policy, Clock.systemUTC(), 1, TEST_STATE_KEY);
        if (!crashAfterTrial) {
            return b;
        }
        return new BootControl() {
            @Override
            public BootStatus boot() throws IOException {
                return b.boot();
            }

            @Override
            public BootStatus status() throws IOException {
                return b.status();
            }

            @Override
            public void beginInstall(Slot slot) throws IOException {
                b.beginInstall(slot);
            }

            @Override
            public OutputStream openForWrite(Slot slot) throws IOException {
                return b.openForWrite(slot);
            }

            @Override
            public InputStream openForRead(Slot slot) throws IOException {
                return b.openForRead(slot);
            }

            @Override
            public void markInstalled(Slot slot, long version) throws IOException {
                b.markInstalled(slot, version);
            }

            @Override
            public void startTrial(Slot slot) throws IOException {
                b.startTrial(slot);
                throw new SimulatedCrash("startTrial");
            }

            @Override
            public void confirm() throws IOException {
                b.confirm();
            }

            @Override
            public io.devsec.update.TrialPolicy trialPolicy() {
                return b.trialPolicy();
            }

            @Override
            public void rollback() throws IOException {
                b.rollback();
            }
        };
    }

    @Test
    void crashRightAfterTrialStarts_nextStartVerifiesTheTrialAndConfirmsIt() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(withoutTrialPolicy().bootControl(ownBootControl(true)).build());
            offer(2);
            assertThatThrownBy(agent::checkNow).isInstanceOf(SimulatedCrash.class);
        }
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(withoutTrialPolicy().bootControl(ownBootControl(false)).build());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(device.status().softwareIntegrity()).as("its signed metadata was stored before the trial began")
                    .isEqualTo(SoftwareIntegrity.VERIFIED);
            assertThat(agent.status().trialSlot()).as("confirmed by the health check").isEmpty();
            assertThat(device.rollbackCounter().current()).isEqualTo(2);
        }
    }

    @Test
    void trialWithoutStoredMetadata_isNeverConfirmed() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            offer(2);
            assertThat(agent.checkNow()).isPresent();
        }
        // The metadata disappears (damage, or a crash window of the old code).
        DeviceKeystore.edit(dir.resolve("device"), ed -> ed.delete(FirmwarePart.INSTALLED_METADATA + 2));
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(device.status().softwareIntegrity()).isEqualTo(SoftwareIntegrity.UNVERIFIABLE);
            assertThat(agent.status().trialSlot()).as("an unverifiable trial is never confirmed").contains(Slot.B);
            assertThat(device.rollbackCounter().current()).isZero();
            assertThat(device.events().recentEvents()).extracting(SecurityEvent::type)
                    .doesNotContain(SecurityEvent.Type.UPDATE_CONFIRMED);
        }
    }

    @Test
    void runningVersionWithoutSignedMetadata_unverifiableInStatusWithWarningEvent() throws Exception {
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().build()); // factory image shipped without factoryMetadata
            assertThat(device.status().softwareIntegrity()).isEqualTo(SoftwareIntegrity.UNVERIFIABLE);
            assertThat(device.events().recentEvents()).anySatisfy(e -> {
                assertThat(e.severity()).isEqualTo(Severity.WARNING);
                assertThat(e.source()).isEqualTo(SecurityEvent.Source.UPDATE);
                assertThat(e.attributes()).containsEntry("version", "1").containsEntry("integrity", "UNVERIFIABLE");
            });
        }
    }

    /** Writes a version-1 state file (a bare SHA-256 anyone can recompute), as an attacker or the old code would. */
    void writeLegacyState(String confirmed, String slotA, String slotB, String trial) throws Exception {
        String body = "devsec-boot-state 1\nconfirmed " + confirmed + "\nslot A " + slotA + "\nslot B " + slotB + "\n"
                + trial + "\n";
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.US_ASCII)));
        Files.createDirectories(slots());
        Files.writeString(slots().resolve("boot-state"), body + "sha256 " + sum + "\n");
    }

    @Test
    void bootStateForgedWithRecomputedSha256_startUpdatesRefuses() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().healthCheck(() -> {
                throw new IllegalStateException("unhealthy");
            }).build());
            offer(2);
            assertThat(agent.checkNow()).isPresent();
        }
        // The attacker marks the unconfirmed version 2 confirmed, skipping trial and health check.
        writeLegacyState("B", "CONFIRMED 1", "CONFIRMED 2", "trial none");
        try (DeviceSecurity device = device()) {
            assertThatThrownBy(() -> device.startUpdates(settings().build())).isInstanceOf(IOException.class)
                    .hasMessageContaining("boot state");
        }
    }

    @Test
    void legacyBootStateFromBeforeTheKey_upgradedOnceThenRefused() throws Exception {
        // A device updated from a version whose state file had no key: its file is trusted on that first start.
        writeLegacyState("A", "CONFIRMED 1", "EMPTY 0", "trial none");
        try (DeviceSecurity device = device()) {
            assertThat(device.startUpdates(settings().build()).installedVersion()).isEqualTo(1);
        }
        assertThat(Files.readString(slots().resolve("boot-state"))).doesNotStartWith("devsec-boot-state 1");
        try (DeviceSecurity device = device()) {
            assertThat(device.startUpdates(settings().build()).installedVersion()).isEqualTo(1);
        }
        writeLegacyState("B", "CONFIRMED 1", "CONFIRMED 7", "trial none");
        try (DeviceSecurity device = device()) {
            assertThatThrownBy(() -> device.startUpdates(settings().build())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void bootStateKey_survivesFactoryReset() throws Exception {
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().build());
            device.factoryReset(IdentityRotation.KEEP).destroy();
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.startUpdates(settings().build()).installedVersion()).isEqualTo(1);
        }
    }
}
