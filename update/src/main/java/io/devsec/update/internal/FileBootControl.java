package io.devsec.update.internal;

import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.Slot;
import io.devsec.update.SlotState;
import io.devsec.update.TrialPolicy;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BootControl} over files: {@code boot-state} (a small text record ending in its SHA-256,
 * replaced atomically) and one folder per slot. A corrupt state file is reported, never replaced.
 */
public final class FileBootControl implements BootControl {
    private static final Logger LOG = LoggerFactory.getLogger(FileBootControl.class);
    private static final String MAGIC = "devsec-boot-state 1";
    private static final String IMAGE = "image";

    private final Path dir;
    private final Path stateFile;
    private final TrialPolicy policy;
    private final Clock clock;
    private Slot running;
    private boolean rolledBack;

    /** The persisted record. */
    private static final class State {
        Slot confirmed;
        final Map<Slot, SlotState> states = new EnumMap<>(Slot.class);
        final Map<Slot, Long> versions = new EnumMap<>(Slot.class);
        Slot trial;
        int trialStarts;
        Instant trialSince;
    }

    private FileBootControl(Path dir, TrialPolicy policy, Clock clock) {
        this.dir = dir;
        this.stateFile = dir.resolve("boot-state");
        this.policy = policy;
        this.clock = clock;
    }

    public static FileBootControl open(Path dir, TrialPolicy policy, Clock clock, long factoryVersion)
            throws IOException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        if (factoryVersion < 0) {
            throw new IllegalArgumentException("factoryVersion must not be negative");
        }
        Files.createDirectories(dir);
        for (Slot s : Slot.values()) {
            Files.createDirectories(slotDir(dir, s));
        }
        FileBootControl c = new FileBootControl(dir, policy, clock);
        if (!Files.exists(c.stateFile)) {
            State s = new State();
            s.confirmed = Slot.A;
            s.states.put(Slot.A, SlotState.CONFIRMED);
            s.versions.put(Slot.A, factoryVersion);
            s.states.put(Slot.B, SlotState.EMPTY);
            s.versions.put(Slot.B, 0L);
            c.save(s);
        } else {
            c.load();
        }
        return c;
    }

    private static Path slotDir(Path dir, Slot s) {
        return dir.resolve("slot-" + s.name().toLowerCase(Locale.ROOT));
    }

    /** The folder of a slot (the factory image goes into {@code slot-a/image}). */
    public Path slotDirectory(Slot slot) {
        return slotDir(dir, slot);
    }

    @Override
    public synchronized BootStatus boot() throws IOException {
        State s = load();
        Instant now = clock.instant();
        rolledBack = false;
        if (s.trial != null) {
            boolean tooManyStarts = s.trialStarts >= policy.maxStarts();
            boolean tooLate = !now.isBefore(s.trialSince.plus(policy.maxDuration()));
            if (tooManyStarts || tooLate) {
                LOG.warn("Trial of version {} in slot {} not confirmed after {} starts since {}: rolling back to {}",
                        s.versions.get(s.trial), s.trial, s.trialStarts, s.trialSince, s.confirmed);
                s.states.put(s.trial, SlotState.FAILED);
                clearTrial(s);
                save(s);
                rolledBack = true;
                running = s.confirmed;
            } else {
                s.trialStarts++;
                save(s);
                running = s.trial;
            }
        } else {
            running = s.confirmed;
        }
        return snapshot(s);
    }

    @Override
    public synchronized BootStatus status() throws IOException {
        return snapshot(load());
    }

    @Override
    public synchronized void beginInstall(Slot slot) throws IOException {
        State s = load();
        if (slot == s.confirmed) {
            throw new IllegalStateException("slot " + slot + " is the confirmed slot and cannot be written");
        }
        if (s.trial != null) {
            throw new IllegalStateException("a trial of slot " + s.trial + " is pending: confirm or roll back first");
        }
        s.states.put(slot, SlotState.WRITING);
        s.versions.put(slot, 0L);
        save(s);
    }

    @Override
    public synchronized OutputStream openForWrite(Slot slot) throws IOException {
        State s = load();
        if (s.states.get(slot) != SlotState.WRITING) {
            throw new IllegalStateException("slot " + slot + " is not being written (call beginInstall first)");
        }
        Path file = slotDir(dir, slot).resolve(IMAGE);
        FileOutputStream fos = new FileOutputStream(file.toFile());
        return new FilterOutputStream(fos) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                fos.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try {
                    fos.flush();
                    fos.getFD().sync();
                } finally {
                    fos.close();
                }
                AtomicFile.syncDirectory(file.getParent());
            }
        };
    }

    @Override
    public InputStream openForRead(Slot slot) throws IOException {
        return Files.newInputStream(slotDir(dir, slot).resolve(IMAGE));
    }

    @Override
    public synchronized void markInstalled(Slot slot, long version) throws IOException {
        State s = load();
        if (s.states.get(slot) != SlotState.WRITING) {
            throw new IllegalStateException("slot " + slot + " was not being written");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive");
        }
        s.states.put(slot, SlotState.INSTALLED);
        s.versions.put(slot, version);
        save(s);
    }

    @Override
    public synchronized void startTrial(Slot slot) throws IOException {
        State s = load();
        if (s.states.get(slot) != SlotState.INSTALLED || slot == s.confirmed) {
            throw new IllegalStateException("slot " + slot + " holds no installed, unconfirmed image");
        }
        if (s.trial != null) {
            throw new IllegalStateException("a trial of slot " + s.trial + " is already pending");
        }
        s.trial = slot;
        s.trialStarts = 0;
        s.trialSince = clock.instant();
        save(s);
    }

    @Override
    public synchronized void confirm() throws IOException {
        State s = load();
        if (s.trial == null || running != s.trial) {
            throw new IllegalStateException("this start does not run a trial: nothing to confirm");
        }
        s.states.put(s.trial, SlotState.CONFIRMED);
        s.confirmed = s.trial;
        clearTrial(s);
        save(s);
    }

    @Override
    public synchronized void rollback() throws IOException {
        State s = load();
        if (s.trial == null) {
            return;
        }
        s.states.put(s.trial, SlotState.FAILED);
        clearTrial(s);
        save(s);
    }

    private static void clearTrial(State s) {
        s.trial = null;
        s.trialStarts = 0;
        s.trialSince = null;
    }

    private BootStatus snapshot(State s) {
        Slot run = running != null ? running : s.confirmed;
        return new BootStatus(s.confirmed, s.states, s.versions, Optional.ofNullable(s.trial), s.trialStarts,
                Optional.ofNullable(s.trialSince), run, rolledBack);
    }

    private void save(State s) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(MAGIC).append('\n');
        b.append("confirmed ").append(s.confirmed).append('\n');
        for (Slot slot : Slot.values()) {
            b.append("slot ").append(slot).append(' ').append(s.states.get(slot)).append(' ')
                    .append(s.versions.get(slot)).append('\n');
        }
        if (s.trial == null) {
            b.append("trial none\n");
        } else {
            b.append("trial ").append(s.trial).append(' ').append(s.trialStarts).append(' ').append(s.trialSince)
                    .append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.US_ASCII);
        String sum = "sha256 " + Hex.encode(Sha256.digest(body)) + "\n";
        byte[] all = new byte[body.length + sum.length()];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(sum.getBytes(StandardCharsets.US_ASCII), 0, all, body.length, sum.length());
        AtomicFile.write(stateFile, all);
    }

    private State load() throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(stateFile);
        } catch (NoSuchFileException e) {
            throw new IOException("boot state " + stateFile + " is missing", e);
        }
        String text = new String(all, StandardCharsets.US_ASCII);
        int cut = text.lastIndexOf("sha256 ");
        if (all.length > 4096 || cut < 0) {
            throw corrupt("no checksum");
        }
        byte[] body = text.substring(0, cut).getBytes(StandardCharsets.US_ASCII);
        String sum = text.substring(cut + 7).trim();
        if (!MessageDigest.isEqual(sum.getBytes(StandardCharsets.US_ASCII),
                Hex.encode(Sha256.digest(body)).getBytes(StandardCharsets.US_ASCII))) {
            throw corrupt("checksum mismatch");
        }
        String[] lines = text.substring(0, cut).split("\n");
        try {
            if (lines.length != 5 || !lines[0].equals(MAGIC)) {
                throw corrupt("unexpected layout");
            }
            State s = new State();
            s.confirmed = Slot.valueOf(field(lines[1], "confirmed", 2)[1]);
            for (int i = 0; i < 2; i++) {
                String[] f = field(lines[2 + i], "slot", 4);
                Slot slot = Slot.valueOf(f[1]);
                s.states.put(slot, SlotState.valueOf(f[2]));
                s.versions.put(slot, Long.parseLong(f[3]));
            }
            if (s.states.size() != 2) {
                throw corrupt("slots missing");
            }
            if (!lines[4].equals("trial none")) {
                String[] f = field(lines[4], "trial", 4);
                s.trial = Slot.valueOf(f[1]);
                s.trialStarts = Integer.parseInt(f[2]);
                s.trialSince = Instant.parse(f[3]);
            }
            return s;
        } catch (RuntimeException e) {
            throw corrupt("unreadable: " + e.getMessage());
        }
    }

    private static String[] field(String line, String name, int count) throws IOException {
        String[] f = line.split(" ");
        if (f.length != count || !f[0].equals(name)) {
            throw new IOException("expected '" + name + "'");
        }
        return f;
    }

    private IOException corrupt(String why) {
        return new IOException("boot state " + stateFile + " is corrupt (" + why + "); refusing to guess");
    }

    @Override
    public String toString() {
        return "FileBootControl[" + dir + ", " + policy + "]";
    }
}
