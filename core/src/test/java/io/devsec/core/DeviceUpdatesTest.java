package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityEvent;
import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.ImageHashException;
import io.devsec.update.RollbackException;
import io.devsec.update.Slot;
import io.devsec.update.ThresholdNotMetException;
import io.devsec.update.SlotState;
import io.devsec.update.TrialPolicy;
import io.devsec.update.UpdateAgent;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateOffer;
import io.devsec.update.UpdateSchedule;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The update agent the facade builds: keystore root and floor, file slots, health check, trial rollback. */
class DeviceUpdatesTest {
    @TempDir
    Path dir;

    final UpdateSigner maker = new UpdateSigner();
    final Instant expires = Instant.now().plus(Duration.ofDays(365));
    final byte[] shippedRoot = maker.root(expires);
    final AtomicReference<UpdateOffer> offered = new AtomicReference<>();
    final AtomicBoolean healthy = new AtomicBoolean(true);
    final AtomicInteger restarts = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();
    final TrialPolicy policy = TrialPolicy.of(1, Duration.ofMinutes(10));

    final UpdateListener listener = new UpdateListener() {
        @Override
        public void onInstalled(UpdateMetadata update) {
            events.add("installed " + update.version());
        }

        @Override
        public void onRefused(UpdateException reason) {
            events.add("refused " + reason.getClass().getSimpleName());
        }

        @Override
        public void onConfirmed(long version) {
            events.add("confirmed " + version);
        }

        @Override
        public void onRolledBack(BootStatus status, String reason) {
            events.add("rolledBack to " + status.confirmedVersion() + ": " + reason);
        }
    };

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").build();
    }

    UpdateSettings settings() {
        return UpdateSettings.builder(shippedRoot, UpdateSigner.HARDWARE)
                .source(installed -> Optional.ofNullable(offered.getAndSet(null)))
                .healthCheck(() -> {
                    if (!healthy.get()) {
                        throw new IllegalStateException("cloud unreachable");
                    }
                })
                .trialPolicy(policy).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO))
                .listener(listener).restartHook(restarts::incrementAndGet).build();
    }

    void offer(long version, byte[] metadataImage, byte[] deliveredImage) throws Exception {
        byte[] md = maker.update(version, metadataImage, expires);
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(deliveredImage)));
    }

    void offer(long version) throws Exception {
        offer(version, UpdateSigner.image(version), UpdateSigner.image(version));
    }

    /** One device start: facade, agent, health check. */
    long start() throws Exception {
        try (DeviceSecurity device = device()) {
            return device.startUpdates(settings()).installedVersion();
        }
    }

    @Test
    void startUpdates_afterRestart_knowsTheSupportPeriodFromTheInstalledMetadata() throws Exception {
        java.time.LocalDate supportUntil = java.time.LocalDate.now().plusYears(5);
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            offered.set(UpdateOffer.of(List.of(), maker.update(2, UpdateSigner.image(2), expires, supportUntil),
                    () -> new ByteArrayInputStream(UpdateSigner.image(2))));
            assertThat(agent.checkNow()).isPresent();
        }
        // A new process: the agent learns the support period from v2's stored metadata, not from an install.
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            assertThat(agent.installedVersion()).isEqualTo(2);
            assertThat(agent.supportUntil()).contains(supportUntil);
            assertThat(device.conformanceFacts().supportUntil()).contains(supportUntil);
        }
    }

    @Test
    void startUpdates_installsRollsBackOnFailedHealthCheckThenConfirms() throws Exception {
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            assertThat(agent.installedVersion()).isEqualTo(1);
            assertThat(device.trustedRootStore().load()).as("shipped root kept in the keystore").isPresent();
            offer(2);
            assertThat(agent.checkNow()).isPresent();
            assertThat(restarts.get()).isEqualTo(1);
        }
        // v2 starts on trial, its health check fails: rolled back at once, the reason in the event.
        healthy.set(false);
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            assertThat(agent.status().trialSlot()).as("rolled back at once, not after the trial's starts").isEmpty();
            assertThat(agent.status().state(Slot.B)).isEqualTo(SlotState.FAILED);
            assertThat(restarts.get()).as("restarted into the confirmed slot").isEqualTo(2);
            assertThat(events).containsExactly("installed 2",
                    "rolledBack to 1: health check failed: IllegalStateException: cloud unreachable");
            assertThat(device.events().recentEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(SecurityEvent.Type.UPDATE_ROLLED_BACK);
                assertThat(e.attributes()).containsEntry("confirmedVersion", "1")
                        .containsEntry("reason", "health check failed: IllegalStateException: cloud unreachable");
            });
            assertThat(device.rollbackCounter().current()).isZero();
        }
        healthy.set(true);
        assertThat(start()).isEqualTo(1);
        assertThat(events).hasSize(2);

        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            offer(3);
            assertThat(agent.checkNow()).isPresent();
        }
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            assertThat(agent.installedVersion()).isEqualTo(3);
            assertThat(agent.status().trialSlot()).isEmpty();
            assertThat(device.rollbackCounter().current()).isEqualTo(3);
        }
        assertThat(events).endsWith("installed 3", "confirmed 3");
        assertThat(start()).isEqualTo(3);
        byte[] stateKey;
        try (io.devsec.storage.Keystore ks = DeviceKeystore.open(dir.resolve("device"))) {
            stateKey = java.util.Arrays.copyOfRange(ks.secret(FirmwarePart.BOOT_STATE_KEY).orElseThrow(), 1, 33);
        }
        BootControl boot = BootControl.fileBased(dir.resolve("device").resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER), policy,
                Clock.systemUTC(), 1, stateKey);
        assertThat(boot.status().confirmedVersion()).isEqualTo(3);
        try (InputStream in = boot.openForRead(boot.status().confirmedSlot())) {
            assertThat(in.readAllBytes()).isEqualTo(UpdateSigner.image(3));
        }
    }

    @Test
    void checkNow_replayedOldVersionAfterConfirm_refusedByKeystoreFloor() throws Exception {
        try (DeviceSecurity device = device()) {
            offer(4);
            device.startUpdates(settings()).checkNow();
        }
        assertThat(start()).isEqualTo(4); // confirmed by the health check
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            offer(3);
            assertThatThrownBy(agent::checkNow).isInstanceOfSatisfying(RollbackException.class,
                    e -> assertThat(e.offered()).isEqualTo(3));
        }
        assertThat(events).contains("refused RollbackException");
    }

    @Test
    void checkNow_tamperedImage_refusedAndNothingRuns() throws Exception {
        byte[] tampered = UpdateSigner.image(2);
        tampered[100] ^= 1;
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            offer(2, UpdateSigner.image(2), tampered);
            assertThatThrownBy(agent::checkNow).isInstanceOf(ImageHashException.class);
        }
        assertThat(start()).isEqualTo(1);
        assertThat(restarts.get()).isZero();
    }

    @Test
    void checkNow_metadataSignedByForeignKey_refused() throws Exception {
        UpdateSigner stranger = new UpdateSigner();
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(settings());
            byte[] md = stranger.update(2, UpdateSigner.image(2), expires);
            offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(UpdateSigner.image(2))));
            assertThatThrownBy(agent::checkNow).isInstanceOf(ThresholdNotMetException.class);
        }
    }

    @Test
    void updateSettings_missingFields_namesTheField() {
        assertThatThrownBy(() -> UpdateSettings.builder(null, "hw").build()).hasMessageContaining("initialRootEnvelope");
        assertThatThrownBy(() -> UpdateSettings.builder(shippedRoot, " ").build()).hasMessageContaining("hardwareId");
        assertThatThrownBy(() -> UpdateSettings.builder(shippedRoot, "hw").trialPolicy(null).build())
                .hasMessageContaining("trialPolicy");
        assertThat(new String(shippedRoot, StandardCharsets.UTF_8)).contains("payloadType");
    }

    @Test
    void startUpdates_bootEnvironment_libraryStateMachineDrivesTheBootloaderVariables() throws Exception {
        java.util.Map<String, String> vars = new java.util.concurrent.ConcurrentHashMap<>();
        io.devsec.update.BootEnvironment env = new io.devsec.update.BootEnvironment() {
            @Override
            public Optional<String> get(String name) {
                return Optional.ofNullable(vars.get(name));
            }

            @Override
            public void set(java.util.Map<String, String> variables) {
                vars.putAll(variables);
            }

            @Override
            public Slot runningSlot() {
                return Slot.valueOf(vars.getOrDefault("devsec_boot", "A")); // a bootloader that follows devsec_boot
            }
        };
        java.nio.file.Path a = dir.resolve("rootfs-a.img");
        java.nio.file.Path b = dir.resolve("rootfs-b.img");
        java.nio.file.Files.write(a, UpdateSigner.image(1));
        UpdateSettings withEnv = UpdateSettings.builder(shippedRoot, UpdateSigner.HARDWARE)
                .source(installed -> Optional.ofNullable(offered.getAndSet(null)))
                .bootEnvironment(env, a, b).trialPolicy(policy).listener(listener)
                .restartHook(restarts::incrementAndGet).build();
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(withEnv);
            assertThat(agent.installedVersion()).isEqualTo(1);
            assertThat(agent.trialPolicy()).isSameAs(policy);
            offer(2);
            assertThat(agent.checkNow()).isPresent();
        }
        assertThat(vars).containsEntry("devsec_trial", "B").containsEntry("devsec_boot", "B")
                .containsEntry("upgrade_available", "1").containsEntry("bootlimit", "1");
        try (DeviceSecurity device = device()) {
            UpdateAgent agent = device.startUpdates(withEnv);
            assertThat(agent.installedVersion()).isEqualTo(2);
            agent.confirm();
        }
        assertThat(vars).containsEntry("devsec_confirmed", "B").containsEntry("devsec_trial", "none")
                .containsEntry("upgrade_available", "0");
    }

    @Test
    void updateSettings_trialPolicyGivenTwice_refused() throws Exception {
        BootControl own = BootControl.fileBased(dir.resolve("own"), policy, Clock.systemUTC(), 1, new byte[32]);
        assertThatThrownBy(() -> UpdateSettings.builder(shippedRoot, "hw").bootControl(own).trialPolicy(policy).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trialPolicy");
        UpdateSettings once = UpdateSettings.builder(shippedRoot, "hw").bootControl(own).build();
        assertThat(once.trialPolicy()).as("the boot control's own policy").isSameAs(policy);
    }
}
