package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.ManualClock;
import io.devsec.update.TestKeys.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9.7: a crash (the process dies) injected after every persistence step of install, boot
 * decision and confirm, one crash per run, for every step. After each restart the running image
 * is intact, its signed metadata is stored and verifies, and neither the confirmed version nor the
 * rollback floor moved backwards or apart.
 *
 * <p>The fault-injection seam: decorators around {@link BootControl}, {@link RollbackCounter},
 * {@link TrustedRootStore} and {@link InstalledMetadataStore} count every durable write and throw
 * {@link SimulatedCrash} (an {@link Error} nothing catches) right after the chosen one, which
 * leaves persistent state exactly as a power cut after that write would (each write is atomic:
 * {@link CrashConsistencyTest} SIGKILLs real processes for that).
 */
class CrashPointsTest {
    static final String HW = "hw";
    static final long FACTORY = 1;
    static final long LAST = 3;

    @TempDir
    Path tmp;

    final SigningKey rootKey = TestKeys.ed25519();
    final SigningKey updateKey = TestKeys.p256();
    final ManualClock clock = new ManualClock(TestKeys.NOW);
    final TrialPolicy policy = TrialPolicy.of(3, Duration.ofDays(1));
    final byte[] stateKey = new byte[32];

    /** Thrown after the chosen write: the process is gone. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash after " + step, null, false, false);
        }
    }

    /** Counts durable writes and crashes after write number {@code crashAt} (never when 0). */
    static final class Crasher {
        final int crashAt;
        int writes;
        final List<String> steps = new ArrayList<>();

        Crasher(int crashAt) {
            this.crashAt = crashAt;
        }

        void wrote(String step) {
            writes++;
            steps.add(step);
            if (writes == crashAt) {
                throw new SimulatedCrash(step);
            }
        }
    }

    /** The durable state of one simulated device: slots on disk, the rest in objects that outlive a crash. */
    final class Device {
        final Path dir;
        final RollbackCounter counter = RollbackCounter.inMemory(0);
        final TrustedRootStore roots = TrustedRootStore.inMemory();
        final Map<Long, byte[]> metadata = new ConcurrentHashMap<>();
        long confirmedSeen = FACTORY;
        long floorSeen;

        Device(Path dir) throws Exception {
            this.dir = dir;
            BootControl.fileBased(dir, policy, clock, FACTORY, stateKey);
            Files.write(dir.resolve("slot-a/image"), image(FACTORY));
            metadata.put(FACTORY, metadata(FACTORY));
        }
    }

    byte[] rootEnvelope() {
        return TestKeys.root(RootMetadata.builder().version(1).expires(TestKeys.NEXT_YEAR).rootKey(rootKey.pub())
                .rootThreshold(1).updateKey(updateKey.pub()).updateThreshold(1).build(), rootKey);
    }

    static byte[] image(long version) {
        return ("image of version " + version + "\n").repeat(2000).getBytes();
    }

    byte[] metadata(long version) throws Exception {
        byte[] img = image(version);
        return TestKeys.update(UpdateMetadata.builder().version(version).hardwareId(HW).imageLength(img.length)
                .imageSha256(MessageDigest.getInstance("SHA-256").digest(img)).expires(TestKeys.NEXT_YEAR)
                .supportUntil(LocalDate.parse("2030-12-31")).securityUpdate(true).reason("test").build(), updateKey);
    }

    UpdateVerifier verifier(Device d, Crasher crash) {
        return UpdateVerifier.builder().initialRoot(rootEnvelope()).trustedRootStore(crashing(d.roots, crash))
                .rollbackCounter(d.counter).hardwareId(HW).clock(clock).build();
    }

    /**
     * One start of the device: the boot decision, then the application's part: confirm a trial
     * (its health check passes), or install the next version when none is pending.
     *
     * @return whether the device reached its final state (version {@link #LAST} confirmed)
     */
    boolean start(Device d, Crasher crash, boolean healthy) throws Exception {
        BootControl boot = crashing(BootControl.fileBased(d.dir, policy, clock, FACTORY, stateKey), crash);
        RollbackCounter counter = crashing(d.counter, crash);
        UpdateVerifier verifier = verifier(d, crash);
        AtomicReference<UpdateOffer> offer = new AtomicReference<>();
        UpdateAgent agent = UpdateAgent.builder().verifier(verifier).bootControl(boot).rollbackCounter(counter)
                .installedMetadataStore(crashing(store(d), crash))
                .source(v -> Optional.ofNullable(offer.getAndSet(null)))
                .schedule(UpdateSchedule.of(Duration.ofDays(1), Duration.ofDays(1), Duration.ZERO))
                .clock(clock).build();
        try {
            BootStatus st = agent.start();
            checkInvariants(d, st);
            if (st.trialSlot().isPresent() && st.runningSlot() == st.trialSlot().get()) {
                if (healthy) {
                    agent.confirm();
                }
                return false; // unhealthy: restart unconfirmed until the trial policy rolls back
            }
            if (st.trialSlot().isPresent()) {
                return false; // a trial is pending: the next start runs it
            }
            if (!healthy && st.state(st.confirmedSlot().other()) == SlotState.FAILED) {
                assertThat(st.confirmedVersion()).isEqualTo(FACTORY);
                return true;
            }
            if (st.confirmedVersion() >= LAST) {
                return true;
            }
            long next = st.confirmedVersion() + 1;
            byte[] img = image(next);
            offer.set(UpdateOffer.of(List.of(), metadata(next), () -> new ByteArrayInputStream(img)));
            assertThat(agent.checkNow()).isPresent();
            return false;
        } finally {
            agent.close();
        }
    }

    /** What must hold after every start, whatever write the last run crashed after. */
    void checkInvariants(Device d, BootStatus st) throws Exception {
        long running = st.runningVersion();
        byte[] envelope = store(d).load(running).orElse(null);
        assertThat(envelope).as("signed metadata of the running version %s is stored (%s)", running, st).isNotNull();
        BootControl plain = BootControl.fileBased(d.dir, policy, clock, FACTORY, stateKey);
        try (InputStream in = plain.openForRead(st.runningSlot())) {
            // Throws when the image in the running slot is not the one its metadata signs.
            verifier(d, new Crasher(0)).verifyInstalled(envelope, running, in);
        }
        try (InputStream in = plain.openForRead(st.runningSlot())) {
            assertThat(in.readAllBytes()).isEqualTo(image(running));
        }
        long floor = d.counter.current();
        assertThat(st.confirmedVersion()).as("confirmed version never goes back (%s)", st)
                .isGreaterThanOrEqualTo(d.confirmedSeen);
        assertThat(floor).as("floor never goes back").isGreaterThanOrEqualTo(d.floorSeen);
        if (st.confirmedVersion() > FACTORY) {
            assertThat(floor).as("floor is not behind the confirmed version (%s)", st)
                    .isGreaterThanOrEqualTo(st.confirmedVersion());
        }
        d.confirmedSeen = st.confirmedVersion();
        d.floorSeen = floor;
    }

    @Test
    void crashAfterEveryWriteOfInstallBootAndConfirm_restartIsConsistentAndVerified() throws Exception {
        List<String> crashedAfter = crashAtEveryWrite(true);
        assertThat(crashedAfter).contains("startTrial", "confirm", "advance", "metadata", "markInstalled",
                "beginInstall", "image", "boot");
    }

    @Test
    void crashAfterEveryWriteOfInstallAndTrialRollback_restartIsConsistentAndVerified() throws Exception {
        List<String> crashedAfter = crashAtEveryWrite(false);
        assertThat(crashedAfter).contains("startTrial", "metadata", "boot");
    }

    /** One run per write number, crashing after it; returns the step each run crashed after. */
    List<String> crashAtEveryWrite(boolean healthy) throws Exception {
        int totalWrites = -1;
        List<String> crashedAfter = new ArrayList<>();
        for (int crashAt = 1; totalWrites < 0 || crashAt <= totalWrites; crashAt++) {
            Device d = new Device(Files.createDirectories(tmp.resolve("device-" + crashAt)));
            Crasher crash = new Crasher(crashAt);
            boolean done = false;
            boolean crashed = false;
            for (int startNo = 0; startNo < 20 && !done; startNo++) {
                try {
                    done = start(d, crash, healthy);
                } catch (SimulatedCrash e) {
                    crashed = true;
                    crashedAfter.add(crash.steps.get(crash.steps.size() - 1));
                }
            }
            assertThat(done).as("crash after write %d (%s): the device reaches its final state", crashAt,
                    crash.steps).isTrue();
            assertThat(d.counter.current()).isEqualTo(healthy ? LAST : FACTORY);
            if (!crashed) {
                totalWrites = crash.writes; // this run wrote fewer times than crashAt: every step was covered
            }
        }
        System.out.println("CrashPointsTest (healthy " + healthy + "): crashed after " + crashedAfter);
        return crashedAfter;
    }

    // ---------------------------------------------------------------- the fault-injection decorators

    InstalledMetadataStore store(Device d) {
        return new InstalledMetadataStore() {
            @Override
            public Optional<byte[]> load(long version) {
                return Optional.ofNullable(d.metadata.get(version)).map(byte[]::clone);
            }

            @Override
            public void save(VerifiedUpdate update, long keepVersion) {
                d.metadata.keySet().removeIf(v -> v != keepVersion);
                d.metadata.put(update.metadata().version(), update.envelope());
            }
        };
    }

    static InstalledMetadataStore crashing(InstalledMetadataStore s, Crasher crash) {
        return new InstalledMetadataStore() {
            @Override
            public Optional<byte[]> load(long version) throws IOException {
                return s.load(version);
            }

            @Override
            public void save(VerifiedUpdate update, long keepVersion) throws IOException {
                s.save(update, keepVersion);
                crash.wrote("metadata");
            }
        };
    }

    static TrustedRootStore crashing(TrustedRootStore s, Crasher crash) {
        return new TrustedRootStore() {
            @Override
            public Optional<byte[]> load() throws IOException {
                return s.load();
            }

            @Override
            public void save(byte[] rootEnvelope) throws IOException {
                s.save(rootEnvelope);
                crash.wrote("root");
            }
        };
    }

    static RollbackCounter crashing(RollbackCounter c, Crasher crash) {
        return new RollbackCounter() {
            @Override
            public long current() throws IOException, GeneralSecurityException {
                return c.current();
            }

            @Override
            public void advance(long version) throws IOException, GeneralSecurityException {
                long before = c.current();
                c.advance(version);
                if (c.current() != before) {
                    crash.wrote("advance");
                }
            }
        };
    }

    static BootControl crashing(BootControl b, Crasher crash) {
        return new BootControl() {
            @Override
            public BootStatus boot() throws IOException {
                BootStatus st = b.boot();
                if (st.trialSlot().isPresent() || st.rolledBack()) {
                    crash.wrote("boot"); // the start count (or the rollback) was written
                }
                return st;
            }

            @Override
            public BootStatus status() throws IOException {
                return b.status();
            }

            @Override
            public void beginInstall(Slot slot) throws IOException {
                b.beginInstall(slot);
                crash.wrote("beginInstall");
            }

            @Override
            public OutputStream openForWrite(Slot slot) throws IOException {
                OutputStream out = b.openForWrite(slot);
                return new FilterOutputStream(out) {
                    long written;

                    @Override
                    public void write(byte[] buf, int off, int len) throws IOException {
                        out.write(buf, off, len);
                        written += len;
                        if (written >= 4096 && written - len < 4096) {
                            out.flush();
                            crash.wrote("image"); // half an image on disk
                        }
                    }
                };
            }

            @Override
            public InputStream openForRead(Slot slot) throws IOException {
                return b.openForRead(slot);
            }

            @Override
            public void markInstalled(Slot slot, long version) throws IOException {
                b.markInstalled(slot, version);
                crash.wrote("markInstalled");
            }

            @Override
            public void startTrial(Slot slot) throws IOException {
                b.startTrial(slot);
                crash.wrote("startTrial");
            }

            @Override
            public void confirm() throws IOException {
                b.confirm();
                crash.wrote("confirm");
            }

            @Override
            public void rollback() throws IOException {
                b.rollback();
                crash.wrote("rollback");
            }

            @Override
            public TrialPolicy trialPolicy() {
                return b.trialPolicy();
            }
        };
    }
}
