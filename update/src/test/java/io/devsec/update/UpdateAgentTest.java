package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.ManualClock;
import io.devsec.testkit.ManualScheduler;
import io.devsec.update.TestKeys.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device flow end to end on real components: verifier, file boot control, agent. */
class UpdateAgentTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(TestKeys.NOW);
    /** For the tests that prove a scheduled check did not install: its tasks run only when the test advances it. */
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final SigningKey rootKey = TestKeys.ed25519();
    final SigningKey updateKey = TestKeys.p256();
    final RollbackCounter counter = RollbackCounter.inMemory(0);
    final TrustedRootStore roots = TrustedRootStore.inMemory();
    final InstalledMetadataStore installed = InstalledMetadataStore.inMemory();
    final byte[] stateKey = "update-agent-test-boot-state-key".getBytes();
    final TrialPolicy policy = TrialPolicy.of(3, Duration.ofMinutes(10));
    final AtomicReference<UpdateOffer> offered = new AtomicReference<>();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger restarts = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<UpdateAgent> agents = new CopyOnWriteArrayList<>();

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
        public void onRolledBack(BootStatus status) {
            events.add("rolledBack to " + status.confirmedVersion());
        }

        @Override
        public void onSupportEnded(LocalDate supportUntil) {
            events.add("supportEnded " + supportUntil);
        }
    };

    @AfterEach
    void closeAgents() {
        agents.forEach(UpdateAgent::close);
    }

    byte[] rootEnvelope() {
        RootMetadata root = RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey.pub())
                .rootThreshold(1).updateKey(updateKey.pub()).updateThreshold(1).build();
        return TestKeys.root(root, rootKey);
    }

    static byte[] image(long version) {
        return ("image of version " + version + "\n").repeat(500).getBytes();
    }

    byte[] metadata(long version, byte[] img) throws Exception {
        return TestKeys.update(UpdateMetadata.builder().version(version).hardwareId("hw").imageLength(img.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(img)).expires(TestKeys.NEXT_YEAR)
                .supportUntil(LocalDate.parse("2026-12-31")).securityUpdate(true).reason("test").build(), updateKey);
    }

    byte[] lastMetadata;

    void offer(long version, byte[] img) throws Exception {
        byte[] md = metadata(version, img);
        lastMetadata = md;
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(img)));
    }

    /** One device start: a new boot control, verifier and agent on the same folder. */
    UpdateAgent startDevice(UpdateSchedule schedule) throws Exception {
        return startDevice(schedule, null);
    }

    /** As {@link #startDevice(UpdateSchedule)}, running scheduled work on {@code executor} (null: the agent's own thread). */
    UpdateAgent startDevice(UpdateSchedule schedule, ScheduledExecutorService executor) throws Exception {
        BootControl bc = BootControl.fileBased(dir, policy, clock, 1, stateKey);
        if (!Files.exists(dir.resolve("slot-a/image"))) {
            Files.write(dir.resolve("slot-a/image"), image(1));
        }
        UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(roots)
                .rollbackCounter(counter).hardwareId("hw").clock(clock).build();
        UpdateAgent.Builder builder = UpdateAgent.builder().verifier(verifier).bootControl(bc).rollbackCounter(counter)
                .installedMetadataStore(installed)
                .source(v -> {
                    polls.incrementAndGet();
                    return Optional.ofNullable(offered.getAndSet(null));
                })
                .listener(listener).schedule(schedule).clock(clock)
                .restartHook(restarts::incrementAndGet);
        UpdateAgent agent = executor == null ? builder.build() : builder.executor(executor).build();
        agents.add(agent);
        agent.start();
        return agent;
    }

    UpdateAgent startDevice() throws Exception {
        return startDevice(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO));
    }

    @Test
    void start_withSupportPeriodLookup_knowsTheRunningVersionsSupportEndWithoutAnInstall() throws Exception {
        BootControl bc = BootControl.fileBased(dir, policy, clock, 1, stateKey);
        Files.write(dir.resolve("slot-a/image"), image(1));
        UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(roots)
                .rollbackCounter(counter).hardwareId("hw").clock(clock).build();
        List<Long> asked = new CopyOnWriteArrayList<>();
        UpdateAgent agent = UpdateAgent.builder().verifier(verifier).bootControl(bc).rollbackCounter(counter)
                .installedMetadataStore(installed)
                .source(v -> Optional.empty()).listener(listener)
                .schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO))
                .clock(clock)
                .supportPeriods(version -> {
                    asked.add(version);
                    return Optional.of(LocalDate.parse("2030-06-30"));
                })
                .build();
        agents.add(agent);

        assertThat(agent.supportUntil()).as("unknown before start").isEmpty();
        agent.start();

        assertThat(asked).containsExactly(1L);
        assertThat(agent.supportUntil()).contains(LocalDate.parse("2030-06-30"));
    }

    @Test
    void checkNow_validOffer_installsOnTrialThenConfirmRaisesFloor() throws Exception {
        UpdateAgent first = startDevice();
        offer(2, image(2));
        assertThat(first.checkNow()).isPresent();
        assertThat(restarts.get()).isEqualTo(1);
        assertThat(counter.current()).as("floor rises only on confirmation").isZero();
        first.close();

        UpdateAgent second = startDevice();
        assertThat(second.status().runningVersion()).isEqualTo(2);
        assertThat(second.status().trialSlot()).contains(Slot.B);
        second.confirm();
        assertThat(counter.current()).isEqualTo(2);
        assertThat(second.supportUntil()).isEmpty(); // new process: the agent was not told
        assertThat(events).containsExactly("installed 2", "confirmed 2");
        try (InputStream in = BootControl.fileBased(dir, policy, clock, 1, stateKey).openForRead(Slot.B)) {
            assertThat(in.readAllBytes()).isEqualTo(image(2));
        }
    }

    @Test
    void unconfirmedTrial_rollsBackAfterMaxStarts() throws Exception {
        offer(2, image(2));
        assertThat(startDevice().checkNow()).isPresent();
        offered.set(null);
        for (int i = 0; i < 3; i++) {
            assertThat(startDevice().status().runningVersion()).isEqualTo(2);
        }
        UpdateAgent fourth = startDevice();
        assertThat(fourth.status().rolledBack()).isTrue();
        assertThat(fourth.status().runningVersion()).isEqualTo(1);
        assertThat(events).contains("rolledBack to 1");
        assertThat(counter.current()).isZero();
    }

    @Test
    void unconfirmedTrial_rollsBackWhenDeadlinePassesWhileRunning() throws Exception {
        offer(2, image(2));
        assertThat(startDevice().checkNow()).isPresent();
        UpdateAgent trial = startDevice(UpdateSchedule.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ZERO));
        assertThat(trial.status().runningVersion()).isEqualTo(2);
        // The application never confirms; the deadline passes while version 2 runs.
        clock.advance(Duration.ofMinutes(11));
        Waits.until(() -> events.contains("rolledBack to 1"), Duration.ofSeconds(10), "rollback");
        assertThat(restarts.get()).isEqualTo(2);
        assertThat(startDevice().status().runningVersion()).isEqualTo(1);
    }

    @Test
    void checkNow_badImage_refusedAndSlotNeverBootable() throws Exception {
        UpdateAgent agent = startDevice();
        byte[] md = metadata(2, image(2));
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(image(3))));
        assertThatThrownBy(agent::checkNow).isInstanceOf(ImageHashException.class);
        assertThat(events).containsExactly("refused ImageHashException");
        BootStatus st = startDevice().status();
        assertThat(st.runningVersion()).isEqualTo(1);
        assertThat(st.state(Slot.B)).isEqualTo(SlotState.WRITING);
        assertThat(restarts.get()).isZero();
    }

    @Test
    void checkNow_replayedOldUpdate_refusedAsRollback() throws Exception {
        UpdateAgent first = startDevice();
        offer(2, image(2));
        first.checkNow();
        startDevice().confirm();
        offer(2, image(2));
        assertThatThrownBy(() -> startDevice().checkNow()).isInstanceOf(RollbackException.class);
        assertThat(events).contains("refused RollbackException");
    }

    @Test
    void scheduledChecks_runAfterStartAndPeriodically() throws Exception {
        startDevice(UpdateSchedule.of(Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(10)));
        Waits.until(() -> polls.get() >= 3, Duration.ofSeconds(10), "three checks");
    }

    @Test
    void automaticUpdatesOff_scheduledChecksDoNotInstall() throws Exception {
        UpdateAgent agent = startDevice(UpdateSchedule.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ZERO), scheduler);
        agent.setAutomaticUpdates(false);
        assertThat(agent.automaticUpdates()).isFalse();
        offer(2, image(2));
        agent.postpone(Duration.ZERO);
        // Several periods of scheduled checks run, on this thread, before the next line: the offer stays untouched.
        assertThat(scheduler.advance(Duration.ofMillis(150))).as("scheduled checks run").isGreaterThanOrEqualTo(7);
        assertThat(offered.get()).isNotNull();
        agent.setAutomaticUpdates(true);
        scheduler.advance(Duration.ofMillis(20));
        assertThat(events).contains("installed 2");
    }

    @Test
    void postpone_skipsScheduledChecksUntilThen() throws Exception {
        UpdateAgent agent = startDevice(UpdateSchedule.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ZERO), scheduler);
        agent.postpone(Duration.ofHours(1));
        offer(2, image(2));
        assertThat(scheduler.advance(Duration.ofMillis(150))).as("scheduled checks run").isGreaterThanOrEqualTo(7);
        assertThat(offered.get()).isNotNull();
        clock.advance(Duration.ofHours(2));
        scheduler.runDue();
        assertThat(events).contains("installed 2");
    }

    @Test
    void supportEnded_raisedOnceAfterDate() throws Exception {
        UpdateAgent agent = startDevice();
        offer(2, image(2));
        agent.checkNow();
        assertThat(agent.supportUntil()).contains(LocalDate.parse("2026-12-31"));
        clock.advance(Duration.ofDays(400));
        agent.checkNow();
        agent.checkNow();
        assertThat(events.stream().filter(e -> e.startsWith("supportEnded")).count()).isEqualTo(1);
    }

    @Test
    void confirm_trialWithoutStoredMetadata_throwsMissingMetadataExceptionAndStaysOnTrial() throws Exception {
        offer(2, image(2));
        assertThat(startDevice().checkNow()).isPresent();
        // The metadata is lost (a store that does not keep it): the trial can no longer be verified.
        InstalledMetadataStore forgetful = InstalledMetadataStore.inMemory();
        BootControl bc = BootControl.fileBased(dir, policy, clock, 1, stateKey);
        UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(roots)
                .rollbackCounter(counter).hardwareId("hw").clock(clock).build();
        UpdateAgent agent = UpdateAgent.builder().verifier(verifier).bootControl(bc).rollbackCounter(counter)
                .installedMetadataStore(forgetful).source(v -> Optional.empty()).listener(listener)
                .schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO))
                .clock(clock).build();
        agents.add(agent);
        assertThat(agent.start().runningVersion()).isEqualTo(2);

        assertThatThrownBy(agent::confirm).isInstanceOfSatisfying(MissingMetadataException.class,
                e -> assertThat(e.version()).isEqualTo(2));
        assertThat(agent.status().trialSlot()).contains(Slot.B);
        assertThat(counter.current()).isZero();
        assertThat(events).contains("refused MissingMetadataException").doesNotContain("confirmed 2");
    }

    @Test
    void confirm_trialImageChangedAfterInstall_throwsImageHashExceptionAndStaysOnTrial() throws Exception {
        offer(2, image(2));
        assertThat(startDevice().checkNow()).isPresent();
        byte[] changed = image(2);
        changed[7] ^= 1;
        Files.write(dir.resolve("slot-b/image"), changed);
        UpdateAgent agent = startDevice();
        assertThat(agent.status().runningVersion()).isEqualTo(2);

        assertThatThrownBy(agent::confirm).isInstanceOf(ImageHashException.class);
        assertThat(agent.status().trialSlot()).contains(Slot.B);
        assertThat(counter.current()).isZero();
    }

    @Test
    void checkNow_storesMetadataBeforeTheTrialStarts() throws Exception {
        UpdateAgent agent = startDevice();
        offer(2, image(2));
        assertThat(agent.checkNow()).isPresent();
        assertThat(installed.load(2)).hasValueSatisfying(e -> assertThat(e).isEqualTo(lastMetadata));
    }
}
