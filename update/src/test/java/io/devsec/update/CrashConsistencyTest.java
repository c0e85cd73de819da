package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM at random points of install, switch, confirm and rollback; after every kill
 * the device starts on a consistent slot: the confirmed version, or the newer one on trial, with
 * the image that belongs to it, and a readable state file.
 */
class CrashConsistencyTest {
    @TempDir
    Path dir;

    @Test
    void sigkillDuringUpdateSteps_100Times_alwaysStartsConsistentSlot() throws Exception {
        runKills(100);
    }

    @Test
    @Tag("slow")
    void sigkillDuringUpdateSteps_1000Times_alwaysStartsConsistentSlot() throws Exception {
        runKills(1000);
    }

    private void runKills(int kills) throws Exception {
        Path state = dir.resolve("device");
        BootControl factory = BootControl.fileBased(state, CrashWorker.POLICY, Clock.systemUTC(), 1, CrashWorker.STATE_KEY);
        // The factory image in slot A (written directly, as a manufacturer would).
        Files.write(state.resolve("slot-a").resolve("image"), CrashWorker.image(1));
        assertThat(factory.boot().runningVersion()).isEqualTo(1);

        String classPath = ExternalTools.snapshotClassPath(Files.createDirectories(dir.resolve("classpath")));
        Random random = new Random();
        Map<String, Integer> killedDuring = new TreeMap<>();
        long lastConfirmed = 1;
        for (int i = 0; i < kills; i++) {
            Path out = dir.resolve("out-" + i + ".txt");
            Path err = dir.resolve("err-" + i + ".txt");
            List<String> cmd = new java.util.ArrayList<>(ExternalTools.javaCommand(classPath, "64m", CrashWorker.class,
                    state.toString(), Long.toString(random.nextLong())));
            cmd.add(1, "-XX:TieredStopAtLevel=1"); // quicker start; the worker does little computing
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                Waits.until(() -> contains(out, "ready") || !p.isAlive(), Duration.ofSeconds(30), "child ready");
                assertThat(p.isAlive()).as("child died early: %s %s", Files.readString(out), Files.readString(err))
                        .isTrue();
                // Let it run a random while, then SIGKILL (waitFor returns early only if it died).
                assertThat(p.waitFor(random.nextInt(120), TimeUnit.MILLISECONDS)).isFalse();
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            List<String> steps = Files.readAllLines(out);
            killedDuring.merge(steps.get(steps.size() - 1), 1, Integer::sum);
            Files.delete(out);
            Files.delete(err);

            // A fresh start after the crash.
            BootControl bc = BootControl.fileBased(state, CrashWorker.POLICY, Clock.systemUTC(), 1, CrashWorker.STATE_KEY);
            BootStatus st = bc.boot();
            Slot run = st.runningSlot();
            boolean onTrial = st.trialSlot().isPresent() && st.trialSlot().get() == run;
            if (onTrial) {
                assertThat(st.state(run)).as("%s", st).isEqualTo(SlotState.INSTALLED);
                assertThat(st.version(run)).as("%s", st).isGreaterThan(st.confirmedVersion());
            } else {
                assertThat(run).isEqualTo(st.confirmedSlot());
                assertThat(st.state(run)).as("%s", st).isEqualTo(SlotState.CONFIRMED);
            }
            assertThat(st.confirmedVersion()).as("confirmed version never goes back").isGreaterThanOrEqualTo(lastConfirmed);
            lastConfirmed = st.confirmedVersion();
            assertThat(read(bc, run)).as("image of running slot %s, version %s", run, st.version(run))
                    .isEqualTo(CrashWorker.image(st.version(run)));
            assertThat(read(bc, st.confirmedSlot())).isEqualTo(CrashWorker.image(st.confirmedVersion()));
        }
        System.out.println("CrashConsistencyTest: " + kills + " kills, last step before each kill: " + killedDuring
                + ", confirmed version reached " + lastConfirmed);
        assertThat(killedDuring).containsKey("install");
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static byte[] read(BootControl bc, Slot slot) throws Exception {
        try (InputStream in = bc.openForRead(slot)) {
            return in.readAllBytes();
        }
    }
}
