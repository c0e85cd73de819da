package io.devsec.update.internal;

import io.devsec.update.BootControl;
import io.devsec.update.BootStatus;
import io.devsec.update.CorruptBootStateException;
import io.devsec.update.Slot;
import io.devsec.update.SlotLinkException;
import io.devsec.update.SlotState;
import io.devsec.update.TrialPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BootControl} over files: {@code boot-state} (a small text record ending in its
 * HMAC-SHA256 under the device's state key, replaced atomically) and one folder per slot. A
 * corrupt or forged state file is reported, never replaced.
 *
 * <p>Format version 2 ends in {@code hmac-sha256 HEX}. Version 1 (before this key existed) ended in
 * a bare SHA-256 that anyone able to write the file could recompute; it is refused, except by an
 * {@link #open open} that is told to upgrade it once (the first start after the key was made),
 * which trusts it and rewrites it as version 2.
 *
 * <p>Slot folders and images are never opened through a symbolic link: the slot folder is checked
 * and the image opened with {@link LinkOption#NOFOLLOW_LINKS}, relative to an open handle of the
 * slots folder where the platform has {@link SecureDirectoryStream} (Linux). Elsewhere (Android's
 * file system provider may lack it) a link swapped in between the check and the open of the folder
 * is not detected.
 */
public final class FileBootControl implements BootControl {
    private static final Logger LOG = LoggerFactory.getLogger(FileBootControl.class);
    private static final String MAGIC_V1 = "devsec-boot-state 1";
    private static final String MAGIC = "devsec-boot-state 2";
    private static final String MAC_PREFIX = "hmac-sha256 ";
    private static final String IMAGE = "image";
    private static final int MAX_STATE_BYTES = 4096;
    /** Shortest state key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 32;

    private final Path dir;
    private final Path stateFile;
    private final TrialPolicy policy;
    private final Clock clock;
    private final SecretKeySpec key;
    private Slot running;
    private boolean rolledBack;
    private String rollbackReason;

    /** The persisted record. */
    private static final class State {
        Slot confirmed;
        final Map<Slot, SlotState> states = new EnumMap<>(Slot.class);
        final Map<Slot, Long> versions = new EnumMap<>(Slot.class);
        Slot trial;
        int trialStarts;
        Instant trialSince;
        boolean legacy;
    }

    private FileBootControl(Path dir, TrialPolicy policy, Clock clock, SecretKeySpec key) {
        this.dir = dir;
        this.stateFile = dir.resolve("boot-state");
        this.policy = policy;
        this.clock = clock;
        this.key = key;
    }

    /**
     * Opens (or on first use creates) the boot state in {@code dir}.
     *
     * @param stateKey the key authenticating the state file, at least {@link #MIN_KEY_BYTES} bytes
     *     (copied; the caller may wipe its array)
     * @param upgradeLegacyState whether a version-1 file (bare SHA-256) is trusted once and rewritten
     *     authenticated; insecure unless the caller knows this is the first start with a key
     * @throws CorruptBootStateException when the state file is forged, corrupt, a link, or version 1
     *     and {@code upgradeLegacyState} is false
     */
    public static FileBootControl open(Path dir, TrialPolicy policy, Clock clock, long factoryVersion,
            byte[] stateKey, boolean upgradeLegacyState) throws IOException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(stateKey, "stateKey");
        if (factoryVersion < 0) {
            throw new IllegalArgumentException("factoryVersion must not be negative");
        }
        if (stateKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("stateKey must be at least " + MIN_KEY_BYTES + " bytes");
        }
        Files.createDirectories(dir);
        for (Slot s : Slot.values()) {
            Files.createDirectories(slotDir(dir, s));
        }
        FileBootControl c = new FileBootControl(dir, policy, clock, new SecretKeySpec(stateKey, "HmacSHA256"));
        if (!Files.exists(c.stateFile, LinkOption.NOFOLLOW_LINKS)) {
            State s = new State();
            s.confirmed = Slot.A;
            s.states.put(Slot.A, SlotState.CONFIRMED);
            s.versions.put(Slot.A, factoryVersion);
            s.states.put(Slot.B, SlotState.EMPTY);
            s.versions.put(Slot.B, 0L);
            c.save(s);
        } else {
            State s = c.load(upgradeLegacyState);
            if (upgradeLegacyState && s.legacy) {
                LOG.warn("Boot state {} was in the unauthenticated version-1 format: trusted once and rewritten "
                        + "authenticated", c.stateFile);
                c.save(s);
            }
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
        rollbackReason = null;
        if (s.trial != null) {
            boolean tooManyStarts = s.trialStarts >= policy.maxStarts();
            boolean tooLate = !now.isBefore(s.trialSince.plus(policy.maxDuration()));
            if (tooManyStarts || tooLate) {
                rollbackReason = tooManyStarts
                        ? "not confirmed after " + s.trialStarts + " starts (trial policy allows " + policy.maxStarts() + ")"
                        : "not confirmed within " + policy.maxDuration() + " of the switch";
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
        Path file = imageFile(slot);
        // A link (or anything) at the image path is removed, not followed; CREATE_NEW (O_EXCL) then
        // refuses whatever appears there in between, links included.
        SeekableByteChannel ch = openImage(slot, true);
        return new OutputStream() {
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
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (ch instanceof FileChannel) {
                        ((FileChannel) ch).force(true);
                    } else {
                        throw new IOException("cannot sync " + file + ": not a file channel");
                    }
                } finally {
                    ch.close();
                }
                AtomicFile.syncDirectory(file.getParent());
            }
        };
    }

    @Override
    public InputStream openForRead(Slot slot) throws IOException {
        return Channels.newInputStream(openImage(slot, false));
    }

    /**
     * Opens a slot's image without following a link at the slot folder or the image. Where the
     * platform offers a {@link SecureDirectoryStream} (Linux), the folder is opened by its handle
     * relative to the slots folder, so a link swapped in after the check is refused too; elsewhere
     * the folder is checked, then the image opened with {@link LinkOption#NOFOLLOW_LINKS}.
     */
    private SeekableByteChannel openImage(Slot slot, boolean create) throws IOException {
        Path file = imageFile(slot);
        Set<OpenOption> options = new HashSet<>();
        options.add(LinkOption.NOFOLLOW_LINKS);
        if (create) {
            options.add(StandardOpenOption.CREATE_NEW);
            options.add(StandardOpenOption.WRITE);
        } else {
            options.add(StandardOpenOption.READ);
        }
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(dir)) {
            if (slots instanceof SecureDirectoryStream) {
                try (SecureDirectoryStream<Path> folder = ((SecureDirectoryStream<Path>) slots)
                        .newDirectoryStream(file.getParent().getFileName(), LinkOption.NOFOLLOW_LINKS)) {
                    Path name = file.getFileName();
                    if (create) {
                        try {
                            folder.deleteFile(name);
                        } catch (NoSuchFileException absent) {
                            // nothing to remove
                        }
                    }
                    return folder.newByteChannel(name, options);
                }
            }
        }
        if (create) {
            Files.deleteIfExists(file);
        }
        return Files.newByteChannel(file, options);
    }

    /** The image path of a slot, after checking that neither the slot folder nor the image is a link. */
    private Path imageFile(Slot slot) throws IOException {
        Path folder = slotDir(dir, slot);
        if (Files.isSymbolicLink(folder)) {
            throw new SlotLinkException(folder.toString());
        }
        Path file = folder.resolve(IMAGE);
        if (Files.isSymbolicLink(file)) {
            throw new SlotLinkException(file.toString());
        }
        return file;
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
        BootStatus status = new BootStatus(s.confirmed, s.states, s.versions, Optional.ofNullable(s.trial),
                s.trialStarts, Optional.ofNullable(s.trialSince), run, rolledBack);
        return rollbackReason == null ? status : status.withRollbackReason(rollbackReason);
    }

    @Override
    public TrialPolicy trialPolicy() {
        return policy;
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
        String sum = MAC_PREFIX + Hex.encode(mac(body)) + "\n";
        byte[] all = new byte[body.length + sum.length()];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(sum.getBytes(StandardCharsets.US_ASCII), 0, all, body.length, sum.length());
        AtomicFile.write(stateFile, all);
    }

    private byte[] mac(byte[] body) throws IOException {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IOException("HMAC-SHA256 is not available", e);
        }
    }

    private State load() throws IOException {
        return load(false);
    }

    private State load(boolean acceptLegacy) throws IOException {
        byte[] all = readState();
        String text = new String(all, StandardCharsets.US_ASCII);
        boolean legacy = text.startsWith(MAGIC_V1 + "\n");
        String prefix = legacy ? "sha256 " : MAC_PREFIX;
        int cut = text.lastIndexOf("\n" + prefix) + 1;
        if (cut <= 0) {
            throw corrupt("no authentication code");
        }
        byte[] body = text.substring(0, cut).getBytes(StandardCharsets.US_ASCII);
        String sum = text.substring(cut + prefix.length()).trim();
        if (legacy) {
            if (!acceptLegacy) {
                throw corrupt("unauthenticated version-1 format (a bare SHA-256 anyone can recompute); only the first "
                        + "start with a state key may upgrade it");
            }
            if (!MessageDigest.isEqual(sum.getBytes(StandardCharsets.US_ASCII),
                    Hex.encode(Sha256.digest(body)).getBytes(StandardCharsets.US_ASCII))) {
                throw corrupt("checksum mismatch");
            }
        } else if (!MessageDigest.isEqual(sum.getBytes(StandardCharsets.US_ASCII),
                Hex.encode(mac(body)).getBytes(StandardCharsets.US_ASCII))) {
            throw corrupt("authentication code mismatch: changed, forged, or written under another key");
        }
        String[] lines = text.substring(0, cut).split("\n");
        try {
            if (lines.length != 5 || !lines[0].equals(legacy ? MAGIC_V1 : MAGIC)) {
                throw corrupt("unexpected layout");
            }
            State s = new State();
            s.legacy = legacy;
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

    private static String[] field(String line, String name, int count) {
        String[] f = line.split(" ");
        if (f.length != count || !f[0].equals(name)) {
            throw new IllegalArgumentException("expected '" + name + "'");
        }
        return f;
    }

    /** The state file's bytes, read without following a link and at most {@link #MAX_STATE_BYTES}. */
    private byte[] readState() throws IOException {
        if (Files.isSymbolicLink(stateFile)) {
            throw corrupt("it is a symbolic link");
        }
        try (SeekableByteChannel ch = Files.newByteChannel(stateFile, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_STATE_BYTES) {
                throw corrupt("larger than " + MAX_STATE_BYTES + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            byte[] out = new byte[buf.position()];
            ((java.nio.Buffer) buf).flip();
            buf.get(out);
            return out;
        } catch (NoSuchFileException e) {
            throw new IOException("boot state " + stateFile + " is missing", e);
        }
    }

    private CorruptBootStateException corrupt(String why) {
        return new CorruptBootStateException(stateFile, why);
    }

    @Override
    public String toString() {
        return "FileBootControl[" + dir + ", " + policy + "]";
    }
}
