package io.devsec.update.internal;

import io.devsec.update.BootControl;
import io.devsec.update.BootEnvironment;
import io.devsec.update.BootStatus;
import io.devsec.update.CorruptBootStateException;
import io.devsec.update.Slot;
import io.devsec.update.SlotState;
import io.devsec.update.TrialPolicy;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's A/B state machine over a {@link BootEnvironment}: the record lives in {@code devsec_*}
 * variables, the bootloader-facing variables follow the environment's {@link BootEnvironment.Scheme},
 * and every transition is exactly one {@link BootEnvironment#set} of the whole record, so a crash
 * between two transitions leaves the previous consistent record.
 *
 * <p>The record is read from the environment when the control is opened and at {@link #boot()}; in
 * between, this process is assumed to be the only writer (the bootloader only writes while the
 * system starts).
 *
 * <p>Slot images are the two given paths: partition device nodes (written in place, never
 * truncated; links such as {@code /dev/disk/by-partlabel/...} are followed, they are the integrator's
 * configuration) or regular files (truncated). The length of each written image is recorded, so reading
 * a slot back stops at the image's end, not the partition's.
 */
public final class EnvironmentBootControl implements BootControl {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentBootControl.class);
    static final String CONFIRMED = "devsec_confirmed";
    static final String BOOT = "devsec_boot";
    static final String TRIAL = "devsec_trial";
    static final String TRIAL_STARTS = "devsec_trial_starts";
    static final String TRIAL_SINCE = "devsec_trial_since";
    private static final String NONE = "none";

    private final BootEnvironment env;
    private final Map<Slot, Path> images = new EnumMap<>(Slot.class);
    private final TrialPolicy policy;
    private final Clock clock;
    private final Map<Slot, Long> written = new EnumMap<>(Slot.class);
    private State state;
    private Slot running;
    private boolean rolledBack;
    private String rollbackReason;

    /** The record. */
    private static final class State {
        Slot confirmed;
        final Map<Slot, SlotState> states = new EnumMap<>(Slot.class);
        final Map<Slot, Long> versions = new EnumMap<>(Slot.class);
        final Map<Slot, Long> lengths = new EnumMap<>(Slot.class);
        Slot trial;
        int trialStarts;
        Instant trialSince;
    }

    private EnvironmentBootControl(BootEnvironment env, Path imageA, Path imageB, TrialPolicy policy, Clock clock) {
        this.env = env;
        this.images.put(Slot.A, imageA);
        this.images.put(Slot.B, imageB);
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Opens the record in {@code env}; on first use (no {@code devsec_confirmed}) the running slot is
     * recorded as confirmed with {@code factoryVersion} and the other slot as empty.
     *
     * @throws CorruptBootStateException when the record is present but unreadable
     * @throws IOException when the environment cannot be read or written
     */
    public static EnvironmentBootControl open(BootEnvironment env, Path imageA, Path imageB, TrialPolicy policy,
            Clock clock, long factoryVersion) throws IOException {
        Objects.requireNonNull(env, "environment");
        Objects.requireNonNull(imageA, "imageA");
        Objects.requireNonNull(imageB, "imageB");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        if (factoryVersion < 0) {
            throw new IllegalArgumentException("factoryVersion must not be negative");
        }
        if (imageA.equals(imageB)) {
            throw new IllegalArgumentException("slots A and B must be different images");
        }
        EnvironmentBootControl c = new EnvironmentBootControl(env, imageA, imageB, policy, clock);
        if (!env.get(CONFIRMED).isPresent()) {
            State s = new State();
            s.confirmed = env.runningSlot();
            s.states.put(s.confirmed, SlotState.CONFIRMED);
            s.versions.put(s.confirmed, factoryVersion);
            // A factory image on a partition: its length may have been written at manufacturing.
            Optional<String> factoryLength = env.get("devsec_" + s.confirmed + "_length");
            long length;
            try {
                length = factoryLength.isPresent() ? nonNegative(factoryLength.get()) : 0L;
            } catch (IllegalArgumentException e) {
                throw c.corrupt("devsec_" + s.confirmed + "_length is not a length: " + e.getMessage());
            }
            s.lengths.put(s.confirmed, length);
            Slot other = s.confirmed.other();
            s.states.put(other, SlotState.EMPTY);
            s.versions.put(other, 0L);
            s.lengths.put(other, 0L);
            LOG.info("Boot environment {} has no DevSec record: slot {} recorded as confirmed with version {}", env,
                    s.confirmed, factoryVersion);
            c.save(s, c.normal(s));
        } else {
            c.state = c.load();
        }
        return c;
    }

    @Override
    public synchronized BootStatus boot() throws IOException {
        State s = load();
        state = s;
        Slot actual = env.runningSlot();
        rolledBack = false;
        rollbackReason = null;
        running = actual;
        if (s.trial == null) {
            if (actual != s.confirmed) {
                throw corrupt("the bootloader started slot " + actual + " but slot " + s.confirmed
                        + " is confirmed and no trial is pending: the boot script does not follow the environment");
            }
            if (env.scheme() == BootEnvironment.Scheme.GRUB_RAUC) {
                // GRUB set X_TRY=1 when it started the confirmed slot; re-arm it (RAUC marks good at each start).
                save(s, normal(s));
            }
        } else if (actual != s.trial) {
            rollBack(s, "the bootloader started slot " + actual + " instead of trial slot " + s.trial
                    + " (its own start limit ran out: a start did not reach the application)");
        } else if (s.trialStarts >= policy.maxStarts()) {
            rollBack(s, "not confirmed after " + s.trialStarts + " starts (trial policy allows " + policy.maxStarts()
                    + ")");
        } else if (!clock.instant().isBefore(s.trialSince.plus(policy.maxDuration()))) {
            rollBack(s, "not confirmed within " + policy.maxDuration() + " of the switch");
        } else {
            s.trialStarts++;
            Map<String, String> extra = new LinkedHashMap<>();
            if (env.scheme() == BootEnvironment.Scheme.GRUB_RAUC && s.trialStarts < policy.maxStarts()) {
                // GRUB set X_TRY=1 when it started the trial; re-arm it while the policy allows more starts.
                extra.put(s.trial + "_TRY", "0");
            }
            save(s, extra);
        }
        return snapshot();
    }

    private void rollBack(State s, String reason) throws IOException {
        LOG.warn("Trial of version {} in slot {} rolled back to slot {}: {}", s.versions.get(s.trial), s.trial,
                s.confirmed, reason);
        s.states.put(s.trial, SlotState.FAILED);
        clearTrial(s);
        save(s, normal(s));
        rolledBack = true;
        rollbackReason = reason;
    }

    @Override
    public synchronized BootStatus status() {
        return snapshot();
    }

    @Override
    public TrialPolicy trialPolicy() {
        return policy;
    }

    @Override
    public synchronized void beginInstall(Slot slot) throws IOException {
        State s = copy(state);
        if (slot == s.confirmed) {
            throw new IllegalStateException("slot " + slot + " is the confirmed slot and cannot be written");
        }
        if (slot == running) {
            throw new IllegalStateException("slot " + slot + " is running (restart into the confirmed slot first)");
        }
        if (s.trial != null) {
            throw new IllegalStateException("a trial of slot " + s.trial + " is pending: confirm or roll back first");
        }
        s.states.put(slot, SlotState.WRITING);
        s.versions.put(slot, 0L);
        s.lengths.put(slot, 0L);
        written.remove(slot);
        save(s, normal(s));
    }

    @Override
    public synchronized OutputStream openForWrite(Slot slot) throws IOException {
        if (state.states.get(slot) != SlotState.WRITING) {
            throw new IllegalStateException("slot " + slot + " is not being written (call beginInstall first)");
        }
        Path file = images.get(slot);
        FileChannel ch = Files.exists(file) && !Files.isRegularFile(file)
                ? FileChannel.open(file, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING);
        return new OutputStream() {
            private long count;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                count += len;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    ch.force(true);
                } finally {
                    ch.close();
                }
                synchronized (EnvironmentBootControl.this) {
                    written.put(slot, count);
                }
            }
        };
    }

    @Override
    public InputStream openForRead(Slot slot) throws IOException {
        long length;
        synchronized (this) {
            length = state.lengths.get(slot);
        }
        InputStream in = Channels.newInputStream(FileChannel.open(images.get(slot), StandardOpenOption.READ));
        if (length <= 0) {
            return in; // unknown (factory image): to the end of the file or partition
        }
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    @Override
    public synchronized void markInstalled(Slot slot, long version) throws IOException {
        State s = copy(state);
        if (s.states.get(slot) != SlotState.WRITING) {
            throw new IllegalStateException("slot " + slot + " was not being written");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive");
        }
        Long length = written.get(slot);
        if (length == null) {
            throw new IllegalStateException("slot " + slot + " was not written by this process");
        }
        s.states.put(slot, SlotState.INSTALLED);
        s.versions.put(slot, version);
        s.lengths.put(slot, length);
        save(s, normal(s));
    }

    @Override
    public synchronized void startTrial(Slot slot) throws IOException {
        State s = copy(state);
        if (s.states.get(slot) != SlotState.INSTALLED || slot == s.confirmed) {
            throw new IllegalStateException("slot " + slot + " holds no installed, unconfirmed image");
        }
        if (s.trial != null) {
            throw new IllegalStateException("a trial of slot " + s.trial + " is already pending");
        }
        s.trial = slot;
        s.trialStarts = 0;
        s.trialSince = Instant.ofEpochMilli(clock.millis());
        Map<String, String> vars = new LinkedHashMap<>();
        if (env.scheme() == BootEnvironment.Scheme.UBOOT_BOOTCOUNT) {
            vars.put("upgrade_available", "1");
            vars.put("bootcount", "0");
            vars.put("bootlimit", Integer.toString(policy.maxStarts()));
        } else {
            vars.put("ORDER", slot + " " + slot.other());
            vars.put(slot + "_OK", "1");
            vars.put(slot + "_TRY", "0");
            vars.put(slot.other() + "_OK", "1");
            vars.put(slot.other() + "_TRY", "0");
        }
        save(s, vars);
    }

    @Override
    public synchronized void confirm() throws IOException {
        State s = copy(state);
        if (s.trial == null || running != s.trial) {
            throw new IllegalStateException("this start does not run a trial: nothing to confirm");
        }
        s.states.put(s.trial, SlotState.CONFIRMED);
        s.confirmed = s.trial;
        clearTrial(s);
        save(s, normal(s));
    }

    @Override
    public synchronized void rollback() throws IOException {
        State s = copy(state);
        if (s.trial == null) {
            return;
        }
        s.states.put(s.trial, SlotState.FAILED);
        clearTrial(s);
        save(s, normal(s));
    }

    /** The bootloader variables outside a trial: only the confirmed slot boots, no counting. */
    private Map<String, String> normal(State s) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (env.scheme() == BootEnvironment.Scheme.UBOOT_BOOTCOUNT) {
            vars.put("upgrade_available", "0");
            vars.put("bootcount", "0");
            vars.put("bootlimit", Integer.toString(policy.maxStarts()));
        } else {
            vars.put("ORDER", s.confirmed + " " + s.confirmed.other());
            vars.put(s.confirmed + "_OK", "1");
            vars.put(s.confirmed + "_TRY", "0");
            vars.put(s.confirmed.other() + "_OK", "0");
            vars.put(s.confirmed.other() + "_TRY", "0");
        }
        return vars;
    }

    private static void clearTrial(State s) {
        s.trial = null;
        s.trialStarts = 0;
        s.trialSince = null;
    }

    private static State copy(State from) {
        State s = new State();
        s.confirmed = from.confirmed;
        s.states.putAll(from.states);
        s.versions.putAll(from.versions);
        s.lengths.putAll(from.lengths);
        s.trial = from.trial;
        s.trialStarts = from.trialStarts;
        s.trialSince = from.trialSince;
        return s;
    }

    /** Writes the whole record plus {@code extra} in one set; the in-memory record changes only on success. */
    private void save(State s, Map<String, String> extra) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(CONFIRMED, s.confirmed.name());
        vars.put(BOOT, (s.trial != null ? s.trial : s.confirmed).name());
        for (Slot slot : Slot.values()) {
            vars.put("devsec_" + slot + "_state", s.states.get(slot).name());
            vars.put("devsec_" + slot + "_version", Long.toString(s.versions.get(slot)));
            vars.put("devsec_" + slot + "_length", Long.toString(s.lengths.get(slot)));
        }
        vars.put(TRIAL, s.trial == null ? NONE : s.trial.name());
        vars.put(TRIAL_STARTS, Integer.toString(s.trialStarts));
        vars.put(TRIAL_SINCE, s.trialSince == null ? NONE : Long.toString(s.trialSince.toEpochMilli()));
        vars.putAll(extra);
        env.set(vars);
        state = s;
    }

    private State load() throws IOException {
        Map<String, String> all = env instanceof Listing ? ((Listing) env).all() : null;
        try {
            State s = new State();
            s.confirmed = Slot.valueOf(require(all, CONFIRMED));
            for (Slot slot : Slot.values()) {
                s.states.put(slot, SlotState.valueOf(require(all, "devsec_" + slot + "_state")));
                s.versions.put(slot, nonNegative(require(all, "devsec_" + slot + "_version")));
                s.lengths.put(slot, nonNegative(require(all, "devsec_" + slot + "_length")));
            }
            String trial = require(all, TRIAL);
            if (!trial.equals(NONE)) {
                s.trial = Slot.valueOf(trial);
                s.trialStarts = Integer.parseInt(require(all, TRIAL_STARTS));
                s.trialSince = Instant.ofEpochMilli(nonNegative(require(all, TRIAL_SINCE)));
                if (s.trial == s.confirmed || s.trialStarts < 0 || s.states.get(s.trial) != SlotState.INSTALLED) {
                    throw new IllegalArgumentException("trial slot " + s.trial + " is not an installed, unconfirmed slot");
                }
            }
            if (s.states.get(s.confirmed) != SlotState.CONFIRMED) {
                throw new IllegalArgumentException("confirmed slot " + s.confirmed + " is not in state CONFIRMED");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw corrupt(e.getMessage());
        }
    }

    private String require(Map<String, String> all, String name) throws IOException {
        Optional<String> v = all != null ? Optional.ofNullable(all.get(name)) : env.get(name);
        if (!v.isPresent()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return v.get();
    }

    private static long nonNegative(String text) {
        long v = Long.parseLong(text);
        if (v < 0) {
            throw new IllegalArgumentException("negative number " + text);
        }
        return v;
    }

    /** Implemented by the shipped environments: every variable with one run of the tool. */
    interface Listing {
        Map<String, String> all() throws IOException;
    }

    private CorruptBootStateException corrupt(String why) {
        return new CorruptBootStateException(env.toString(), why);
    }

    private BootStatus snapshot() {
        State s = state;
        Slot run = running != null ? running : s.confirmed;
        BootStatus status = new BootStatus(s.confirmed, s.states, s.versions, Optional.ofNullable(s.trial),
                s.trialStarts, Optional.ofNullable(s.trialSince), run, rolledBack);
        return rollbackReason == null ? status : status.withRollbackReason(rollbackReason);
    }

    @Override
    public String toString() {
        return "EnvironmentBootControl[" + env + ", " + policy + "]";
    }
}
