package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.DeviceStatus.SoftwareIntegrity;
import io.devsec.core.events.SecurityEvent;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Software integrity at start (provision 4.7): the running image against the signed metadata it came with. */
class DeviceIntegrityTest {
    @TempDir
    Path dir;

    final UpdateSigner maker = new UpdateSigner();
    final Instant expires = Instant.now().plus(Duration.ofDays(365));
    final byte[] shippedRoot = maker.root(expires);
    final AtomicReference<UpdateOffer> offered = new AtomicReference<>();
    final TrialPolicy policy = TrialPolicy.of(1, Duration.ofMinutes(10));

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").build();
    }

    UpdateSettings.Builder settings() {
        return UpdateSettings.builder(shippedRoot, UpdateSigner.HARDWARE)
                .source(installed -> Optional.ofNullable(offered.getAndSet(null)))
                .healthCheck(() -> { })
                .trialPolicy(policy).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO));
    }

    void offer(long version) throws Exception {
        byte[] md = maker.update(version, UpdateSigner.image(version), expires);
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(UpdateSigner.image(version))));
    }

    Path slotImage(String slot) {
        return dir.resolve("device").resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER).resolve("slot-" + slot).resolve("image");
    }

    static void flipByte(Path file, int index) throws Exception {
        byte[] b = Files.readAllBytes(file);
        b[index] ^= 1;
        Files.write(file, b);
    }

    @Test
    void startUpdates_tamperedRunningImage_compromisedUntilAValidUpdateIsConfirmed() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(device.status().softwareIntegrity()).as("factory image without metadata")
                    .isEqualTo(SoftwareIntegrity.UNVERIFIABLE);
            assertThat(device.conformanceFacts().integrityCheck())
                    .isEqualTo(io.devsec.core.conformance.ConformanceFacts.IntegrityCheck.UNVERIFIABLE);
            offer(2);
            assertThat(agent.checkNow()).isPresent();
            assertThat(device.events().recentEvents()).extracting(SecurityEvent::type)
                    .contains(SecurityEvent.Type.UPDATE_INSTALLED);
        }
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(device.events().recentEvents()).extracting(SecurityEvent::type)
                    .contains(SecurityEvent.Type.UPDATE_CONFIRMED);
            assertThat(agent.status().trialSlot()).as("confirmed by the health check").isEmpty();
            assertThat(device.status().softwareIntegrity()).isEqualTo(SoftwareIntegrity.VERIFIED);
        }
        flipByte(slotImage("b"), 1234);
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().build());
            DeviceStatus status = device.status();
            assertThat(status.compromised()).isTrue();
            assertThat(status.findings().get(0).text()).startsWith("Device compromised");
            assertThat(device.events().recentEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(SecurityEvent.Type.INTEGRITY_FAILURE);
                assertThat(e.attributes()).containsEntry("version", "2").containsEntry("reason", "ImageHashException");
            });
        }
        try (DeviceSecurity device = device()) {
            assertThat(device.status().compromised()).as("kept across restarts, before any check").isTrue();
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(device.verifyIntegrity()).contains(SoftwareIntegrity.COMPROMISED);
            offer(3);
            assertThat(agent.checkNow()).isPresent();
        }
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).isEqualTo(3);
            assertThat(agent.status().trialSlot()).isEmpty();
            assertThat(device.status().compromised()).as("valid update installed and confirmed").isFalse();
            assertThat(device.status().softwareIntegrity()).isEqualTo(SoftwareIntegrity.VERIFIED);
        }
    }

    @Test
    void startUpdates_tamperedUpdateOnTrial_notConfirmedAndRolledBack() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            offer(2);
            agent.checkNow();
        }
        flipByte(slotImage("b"), 10);
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(agent.status().trialSlot()).as("not confirmed").isPresent();
            assertThat(device.status().compromised()).isTrue();
            assertThat(device.rollbackCounter().current()).isZero();
        }
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            assertThat(agent.installedVersion()).as("rolled back by the trial policy").isEqualTo(1);
        }
    }

    @Test
    void factoryImage_withSignedMetadata_verifiedAndTamperingDetected() throws Exception {
        byte[] image = UpdateSigner.image(1);
        byte[] metadata = maker.update(1, image, expires);
        Files.createDirectories(slotImage("a").getParent());
        Files.write(slotImage("a"), image);
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().factoryMetadata(metadata).build());
            assertThat(device.status().softwareIntegrity()).isEqualTo(SoftwareIntegrity.VERIFIED);
            assertThat(device.status().compromised()).isFalse();
        }
        flipByte(slotImage("a"), 0);
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().factoryMetadata(metadata).build());
            assertThat(device.status().compromised()).isTrue();
        }
    }

    @Test
    void factoryReset_keepsInstalledMetadataAndCompromisedMark() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            offer(2);
            agent.checkNow();
        }
        try (DeviceSecurity device = device()) {
            device.startUpdates(settings().build());
            device.factoryReset(IdentityRotation.KEEP).destroy();
            assertThat(device.verifyIntegrity()).contains(SoftwareIntegrity.VERIFIED);
        }
        try (io.devsec.storage.Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            assertThat(ks.contains(FirmwarePart.INSTALLED_METADATA + 2)).isTrue();
        }
    }

    @Test
    void checkNow_malformedMetadata_becomesInvalidInputEvent() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings().build());
            offered.set(UpdateOffer.of(List.of(), "{\"payloadType\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    () -> new ByteArrayInputStream(new byte[0])));
            org.assertj.core.api.Assertions.assertThatThrownBy(agent::checkNow)
                    .isInstanceOf(io.devsec.update.UpdateException.class);
            assertThat(device.events().recentEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(SecurityEvent.Type.INVALID_INPUT);
                assertThat(e.attributes()).containsEntry("boundary", "update-metadata");
            });
        }
    }
}
