package io.devsec.update;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * Child-JVM main for the crash test: loops through boot, install, switch (start trial), confirm
 * and rollback on a file boot control until it is killed, printing each step before it starts.
 */
public final class CrashWorker {
    static final int IMAGE_BYTES = 64 * 1024;
    static final TrialPolicy POLICY = TrialPolicy.of(2, Duration.ofDays(365));
    /** The boot-state key of the crash test (a device keeps a random one secret). */
    static final byte[] STATE_KEY = "crash-test-boot-state-key-32-bytes!".getBytes();

    private CrashWorker() {
    }

    /** The image of a version: deterministic bytes, so a checker can recompute it. */
    static byte[] image(long version) {
        byte[] b = new byte[IMAGE_BYTES];
        new Random(version * 7919).nextBytes(b);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        BootControl bc = BootControl.fileBased(dir, POLICY, Clock.systemUTC(), 1, STATE_KEY);
        System.out.println("ready");
        System.out.flush();
        while (true) {
            step("boot");
            BootStatus st = bc.boot();
            if (st.trialSlot().isPresent() && st.runningSlot() == st.trialSlot().get()) {
                int choice = random.nextInt(3);
                if (choice == 0) {
                    step("confirm");
                    bc.confirm();
                } else if (choice == 1) {
                    step("rollback");
                    bc.rollback();
                }
                // else: a restart without confirmation (the trial start count grows)
            } else if (!st.trialSlot().isPresent()) {
                Slot target = st.confirmedSlot().other();
                long version = Math.max(st.version(Slot.A), st.version(Slot.B)) + 1;
                step("install");
                bc.beginInstall(target);
                byte[] img = image(version);
                try (OutputStream out = bc.openForWrite(target)) {
                    for (int off = 0; off < img.length; off += 4096) {
                        out.write(img, off, 4096);
                    }
                }
                bc.markInstalled(target, version);
                step("switch");
                bc.startTrial(target);
            }
        }
    }

    private static void step(String name) {
        System.out.println(name);
        System.out.flush();
    }
}
