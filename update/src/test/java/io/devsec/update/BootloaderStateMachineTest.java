package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.ManualClock;
import io.devsec.update.TestKeys.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library's A/B state machine ({@link BootControl#onBootloader}) driven by the {@link UpdateAgent}, over
 * four environments: an in-memory one with each convention, and the real {@code fw_setenv} and {@code
 * grub-editenv} on files. A simulated bootloader runs the documented boot scripts between starts: it
 * reads the variables, counts, falls back, and writes the kernel command line {@code devsec.slot=X}.
 */
class BootloaderStateMachineTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(TestKeys.NOW);
    final SigningKey rootKey = TestKeys.ed25519();
    final SigningKey updateKey = TestKeys.p256();
    final RollbackCounter counter = RollbackCounter.inMemory(0);
    final TrustedRootStore roots = TrustedRootStore.inMemory();
    final InstalledMetadataStore installed = InstalledMetadataStore.inMemory();
    final TrialPolicy policy = TrialPolicy.of(2, Duration.ofMinutes(10));
    final AtomicReference<UpdateOffer> offered = new AtomicReference<>();
    final AtomicInteger restarts = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<UpdateAgent> agents = new CopyOnWriteArrayList<>();
    BootEnvironment env;
    Path cmdline;

    final UpdateListener listener = new UpdateListener() {
        @Override
        public void onInstalled(UpdateMetadata update) {
            events.add("installed " + update.version());
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

    @AfterEach
    void closeAgents() {
        agents.forEach(UpdateAgent::close);
    }

    /** An environment kept in memory (what a platform adapter stores), running slot from the command line file. */
    static class MemoryEnvironment implements BootEnvironment {
        final Map<String, String> vars = new LinkedHashMap<>();
        final Scheme scheme;
        final Path cmdline;

        MemoryEnvironment(Scheme scheme, Path cmdline) {
            this.scheme = scheme;
            this.cmdline = cmdline;
        }

        @Override
        public Optional<String> get(String name) {
            return Optional.ofNullable(vars.get(name));
        }

        @Override
        public void set(Map<String, String> variables) {
            vars.putAll(variables);
        }

        @Override
        public Slot runningSlot() throws IOException {
            String line = Files.readString(cmdline).trim();
            return Slot.valueOf(line.substring(line.indexOf("devsec.slot=") + 12, line.indexOf("devsec.slot=") + 13));
        }

        @Override
        public Scheme scheme() {
            return scheme;
        }
    }

    void environment(String kind) throws Exception {
        cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "console=ttyS0 root=/dev/mmcblk0p2 devsec.slot=A rootwait\n");
        switch (kind) {
            case "memory-uboot" -> env = new MemoryEnvironment(BootEnvironment.Scheme.UBOOT_BOOTCOUNT, cmdline);
            case "memory-grub" -> env = new MemoryEnvironment(BootEnvironment.Scheme.GRUB_RAUC, cmdline);
            case "fw_setenv" -> {
                ExternalTools.require("fw_setenv", "apt-get install libubootenv-tool");
                env = UBootEnvironmentTest.fileBacked(dir, cmdline);
            }
            case "grub-editenv" -> {
                ExternalTools.require("grub-editenv", "apt-get install grub-common");
                env = BootEnvironment.grub(dir.resolve("grubenv"), cmdline);
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /**
     * Power-on: what the boot scripts of the README do. U-Boot: count while upgrade_available=1 and run
     * altbootcmd (boot devsec_confirmed) once bootcount exceeds bootlimit, else boot devsec_boot. GRUB
     * (RAUC): the first slot in ORDER with OK=1 and TRY=0, whose TRY is then set to 1. Unset variables take
     * the README scripts' defaults (slot A).
     */
    void powerOn(boolean bootloaderCounts) throws IOException {
        Slot started;
        if (!bootloaderCounts) {
            started = Slot.valueOf(env.get("devsec_boot").orElse("A"));
        } else if (env.scheme() == BootEnvironment.Scheme.UBOOT_BOOTCOUNT) {
            if (env.get("upgrade_available").orElse("0").equals("1")) {
                int count = Integer.parseInt(env.get("bootcount").orElse("0")) + 1;
                env.set(Map.of("bootcount", Integer.toString(count)));
                boolean exceeded = count > Integer.parseInt(env.get("bootlimit").orElse("0"));
                started = Slot.valueOf(env.get(exceeded ? "devsec_confirmed" : "devsec_boot").orElse("A"));
            } else {
                started = Slot.valueOf(env.get("devsec_boot").orElse("A"));
            }
        } else {
            started = null;
            for (String slot : env.get("ORDER").orElse("A B").split(" ")) {
                if (env.get(slot + "_OK").orElse(slot.equals("A") ? "1" : "0").equals("1") && env.get(slot + "_TRY").orElse("0").equals("0")) {
                    env.set(Map.of(slot + "_TRY", "1"));
                    started = Slot.valueOf(slot);
                    break;
                }
            }
            assertThat(started).as("GRUB found a bootable slot").isNotNull();
        }
        Files.writeString(cmdline, "console=ttyS0 devsec.slot=" + started + " rootwait\n");
    }

    UpdateAgent startDevice() throws Exception {
        Path a = dir.resolve("rootfs-a.img");
        if (!Files.exists(a)) {
            Files.write(a, image(1));
        }
        BootControl bc = BootControl.onBootloader(env, a, dir.resolve("rootfs-b.img"), policy, clock, 1);
        UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(roots)
                .rollbackCounter(counter).hardwareId("hw").clock(clock).build();
        UpdateAgent agent = UpdateAgent.builder().verifier(verifier).bootControl(bc).rollbackCounter(counter)
                .installedMetadataStore(installed).source(v -> Optional.ofNullable(offered.getAndSet(null)))
                .listener(listener).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO))
                .clock(clock).restartHook(restarts::incrementAndGet).build();
        agents.add(agent);
        agent.start();
        return agent;
    }

    /** Version 1 runs; version 2 is installed and on trial from the next power-on. */
    UpdateAgent installVersion2() throws Exception {
        UpdateAgent first = startDevice();
        assertThat(first.status().runningVersion()).isEqualTo(1);
        offer(2, image(2));
        assertThat(first.checkNow()).isPresent();
        assertThat(restarts.get()).isEqualTo(1);
        first.close();
        return first;
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory-uboot", "memory-grub", "fw_setenv", "grub-editenv"})
    void healthCheckFails_rollsBackAtOnceWithTheReasonInTheEvent(String kind) throws Exception {
        environment(kind);
        installVersion2();
        powerOn(true);
        UpdateAgent trial = startDevice();
        assertThat(trial.status().runningVersion()).isEqualTo(2);
        assertThat(trial.status().trialSlot()).contains(Slot.B);

        assertThat(trial.rollback("health check failed: IllegalStateException: relay self-test failed")).isTrue();

        assertThat(events).containsExactly("installed 2",
                "rolledBack to 1: health check failed: IllegalStateException: relay self-test failed");
        assertThat(restarts.get()).as("restarted at once, not after the remaining trial starts").isEqualTo(2);
        assertThat(trial.status().state(Slot.B)).isEqualTo(SlotState.FAILED);
        powerOn(true);
        UpdateAgent after = startDevice();
        assertThat(after.status().runningVersion()).isEqualTo(1);
        assertThat(after.status().rolledBack()).isFalse();
        assertThat(counter.current()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory-uboot", "memory-grub", "fw_setenv", "grub-editenv"})
    void trialConfirmed_becomesTheConfirmedSlotAndStaysAfterRestarts(String kind) throws Exception {
        environment(kind);
        installVersion2();
        powerOn(true);
        UpdateAgent trial = startDevice();
        trial.confirm();
        assertThat(counter.current()).isEqualTo(2);
        assertThat(events).containsExactly("installed 2", "confirmed 2");
        for (int i = 0; i < 4; i++) {
            powerOn(true);
            UpdateAgent later = startDevice();
            assertThat(later.status().runningVersion()).isEqualTo(2);
            assertThat(later.status().confirmedSlot()).isEqualTo(Slot.B);
            assertThat(later.status().trialSlot()).isEmpty();
        }
        if (env.scheme() == BootEnvironment.Scheme.UBOOT_BOOTCOUNT) {
            assertThat(env.get("upgrade_available")).contains("0");
        } else {
            assertThat(env.get("ORDER")).contains("B A");
        }
        try (InputStream in = BootControl.onBootloader(env, dir.resolve("rootfs-a.img"), dir.resolve("rootfs-b.img"),
                policy, clock, 1).openForRead(Slot.B)) {
            assertThat(in.readAllBytes()).isEqualTo(image(2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory-uboot", "memory-grub", "fw_setenv", "grub-editenv"})
    void trialStartsExhausted_bootloaderFallsBackAndTheLibraryRecordsTheRollback(String kind) throws Exception {
        environment(kind);
        installVersion2();
        for (int i = 0; i < policy.maxStarts(); i++) {
            powerOn(true);
            UpdateAgent trial = startDevice();
            assertThat(trial.status().runningVersion()).as("trial start " + (i + 1)).isEqualTo(2);
            trial.close();
        }
        powerOn(true); // one more unconfirmed start: the bootloader's own limit is reached
        UpdateAgent back = startDevice();
        assertThat(back.status().rolledBack()).isTrue();
        assertThat(back.status().runningVersion()).isEqualTo(1);
        assertThat(back.status().state(Slot.B)).isEqualTo(SlotState.FAILED);
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).startsWith("rolledBack to 1: the bootloader started slot A instead of trial slot B");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory-uboot", "fw_setenv"})
    void trialStartsExhausted_withoutBootloaderCounting_libraryRollsBackAndRestarts(String kind) throws Exception {
        environment(kind);
        installVersion2();
        for (int i = 0; i < policy.maxStarts(); i++) {
            powerOn(false);
            startDevice().close();
        }
        powerOn(false);
        UpdateAgent third = startDevice();
        assertThat(third.status().rolledBack()).isTrue();
        assertThat(third.status().rollbackReason()).contains("not confirmed after 2 starts (trial policy allows 2)");
        assertThat(events.get(1)).isEqualTo("rolledBack to 1: not confirmed after 2 starts (trial policy allows 2)");
        assertThat(restarts.get()).as("the trial image still runs: restart into the confirmed slot").isEqualTo(2);
        powerOn(false);
        assertThat(startDevice().status().runningVersion()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void firstUse_factoryLengthWrittenAtManufacturing_boundsTheFactoryImageRead() throws Exception {
        environment("memory-uboot");
        Path partition = dir.resolve("partition-a.img");
        byte[] padded = java.util.Arrays.copyOf(image(1), image(1).length + 4096); // the rest of the partition
        Files.write(partition, padded);
        env.set(Map.of("devsec_A_length", Integer.toString(image(1).length)));
        BootControl bc = BootControl.onBootloader(env, partition, dir.resolve("b.img"), policy, clock, 1);
        try (InputStream in = bc.openForRead(Slot.A)) {
            assertThat(in.readAllBytes()).isEqualTo(image(1));
        }
        assertThat(env.get("devsec_A_length")).contains(Integer.toString(image(1).length));
    }

    /** A simulated power cut: the environment refuses this write and every later one of this run. */
    static final class PowerCut extends IOException {
        PowerCut() {
            super("power cut");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void powerCutAtEveryWriteOfInstallTrialAndConfirm_nextStartIsConsistentAndConverges(int cut) throws Exception {
        {
            Path folder = Files.createDirectories(dir.resolve("cut-" + cut));
            cmdline = folder.resolve("cmdline");
            Files.writeString(cmdline, "devsec.slot=A\n");
            int cutAt = cut;
            int[] writes = {0};
            MemoryEnvironment memory = new MemoryEnvironment(BootEnvironment.Scheme.UBOOT_BOOTCOUNT, cmdline) {
                @Override
                public void set(Map<String, String> variables) {
                    if (writes[0] >= 0 && ++writes[0] >= cutAt) {
                        throw new java.io.UncheckedIOException(new PowerCut());
                    }
                    super.set(variables);
                }
            };
            env = memory;
            Path a = folder.resolve("a.img");
            Files.write(a, image(1));
            boolean crashed = false;
            try {
                UpdateAgent agent = agentOn(a, folder.resolve("b.img"));
                offer(2, image(2));
                agent.checkNow();
                agent.close();
                powerOn(true);
                agentOn(a, folder.resolve("b.img")).confirm();
            } catch (java.io.UncheckedIOException e) {
                crashed = true;
            }
            writes[0] = -1; // power is back
            powerOn(true);
            UpdateAgent next = agentOn(a, folder.resolve("b.img"));
            BootStatus st = next.status();
            assertThat(st.runningVersion()).as("cut at write " + cut).isIn(1L, 2L);
            assertThat(st.state(st.confirmedSlot())).isEqualTo(SlotState.CONFIRMED);
            if (st.trialSlot().isPresent()) {
                next.confirm(); // verified against the metadata stored before the trial began
            } else if (st.runningVersion() == 1) {
                offer(2, image(2));
                assertThat(next.checkNow()).isPresent();
                powerOn(true);
                agentOn(a, folder.resolve("b.img")).confirm();
            }
            powerOn(true);
            assertThat(agentOn(a, folder.resolve("b.img")).status().runningVersion()).as("cut at write " + cut)
                    .isEqualTo(2);
            assertThat(crashed || cut == 7).as("the flow has 6 writes: first use, begin, installed, trial, start, confirm")
                    .isTrue();
        }
    }

    UpdateAgent agentOn(Path a, Path b) throws Exception {
        BootControl bc = BootControl.onBootloader(env, a, b, policy, clock, 1);
        UpdateVerifier verifier = UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(roots)
                .rollbackCounter(counter).hardwareId("hw").clock(clock).build();
        UpdateAgent agent = UpdateAgent.builder().verifier(verifier).bootControl(bc).rollbackCounter(counter)
                .installedMetadataStore(installed).source(v -> Optional.ofNullable(offered.getAndSet(null)))
                .listener(listener).schedule(UpdateSchedule.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO))
                .clock(clock).restartHook(restarts::incrementAndGet).build();
        agents.add(agent);
        agent.start();
        return agent;
    }

    byte[] rootEnvelope() {
        RootMetadata root = RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey.pub())
                .rootThreshold(1).updateKey(updateKey.pub()).updateThreshold(1).build();
        return TestKeys.root(root, rootKey);
    }

    static byte[] image(long version) {
        return ("image of version " + version + "\n").repeat(500).getBytes();
    }

    void offer(long version, byte[] img) throws Exception {
        byte[] md = TestKeys.update(UpdateMetadata.builder().version(version).hardwareId("hw").imageLength(img.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(img)).expires(TestKeys.NEXT_YEAR)
                .supportUntil(LocalDate.parse("2026-12-31")).securityUpdate(true).reason("test").build(), updateKey);
        offered.set(UpdateOffer.of(List.of(), md, () -> new ByteArrayInputStream(img)));
    }
}
