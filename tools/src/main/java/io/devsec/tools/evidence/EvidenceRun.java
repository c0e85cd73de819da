package io.devsec.tools.evidence;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.IdentityRotation;
import io.devsec.core.LoginLockedException;
import io.devsec.core.LoginThrottle;
import io.devsec.core.LoginThrottledException;
import io.devsec.core.PasswordPolicy;
import io.devsec.core.PasswordRejectedException;
import io.devsec.core.WrongPasswordException;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.surface.PublicDeviceInfo;
import io.devsec.core.validation.ValidationException;
import io.devsec.tools.update.SigningKey;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.TrustAnchors;
import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.VerificationKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509KeyManager;

/**
 * Runs the functional test cases (ETSI TS 103 701 "X-2") that software can run against a twin of a device: a
 * copy of its data folder, opened with its configuration. Each case is one test group (an EN 303 645 provision)
 * with test units a, b, c...; see docs/cli-json.md for the report.
 *
 * <p>What the cases cannot see: the application's own code paths (its TLS settings, throttle and wipe actions
 * are DevSec's defaults here unless {@link Seams} says otherwise), the hardware, and anything that only the
 * running device starts (MQTT sessions, the update agent).
 */
public final class EvidenceRun {
    /** How many bytes of one file the secret scan reads at most. */
    static final long MAX_SCAN_BYTES = 64L << 20;

    private final Twin twin;
    private final Path batch;
    private final char[] knownPassword;
    private final Seams seams;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<CaseResult> results = new ArrayList<>();
    private String deviceId;
    /** The twin's current password, once known (given, or set by the cases). */
    private char[] password;

    EvidenceRun(Twin twin, Path batch, char[] knownPassword, Seams seams, Clock clock) {
        this.twin = twin;
        this.batch = batch;
        this.knownPassword = knownPassword == null ? null : knownPassword.clone();
        this.seams = seams;
        this.clock = clock;
    }

    /**
     * Runs every case in order on the twin.
     *
     * @param source the device's data folder (copied, never opened)
     * @param config the configuration file, or null
     * @param passphrase the keystore passphrase, or null for the device secret file
     * @param productName the product name (a configuration file's replaces it)
     * @param batch the output folder of {@code devsec provision}, or null
     * @param knownPassword the device's current password, or null (the twin is then reset to learn one)
     * @param seams the mechanisms under test
     * @param clock the clock for update expiry
     * @return the cases' results and the device id
     * @throws IOException when the folder cannot be copied or the twin cannot be opened
     */
    public static Outcome run(Path source, Path config, char[] passphrase, String productName, Path batch,
            char[] knownPassword, Seams seams, Clock clock) throws IOException {
        try (Twin twin = Twin.copyOf(source, config, passphrase, productName)) {
            EvidenceRun r = new EvidenceRun(twin, batch, knownPassword, seams, clock);
            try {
                r.openOnce();
                r.all();
            } finally {
                r.wipe();
            }
            return new Outcome(r.deviceId, Collections.unmodifiableList(r.results));
        }
    }

    /** The results of one run. */
    public static final class Outcome {
        final String deviceId;
        final List<CaseResult> cases;

        Outcome(String deviceId, List<CaseResult> cases) {
            this.deviceId = deviceId;
            this.cases = cases;
        }

        public String deviceId() {
            return deviceId;
        }

        public List<CaseResult> cases() {
            return cases;
        }

        /** The case with this group, e.g. "5.1-1". */
        public CaseResult group(String group) {
            for (CaseResult c : cases) {
                if (c.group().equals(group)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no case for " + group);
        }
    }

    private void openOnce() throws IOException {
        try (DeviceSecurity d = twin.open()) {
            deviceId = d.deviceId();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot open the twin: " + e.getMessage(), e);
        }
    }

    private void wipe() {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
        if (knownPassword != null) {
            Arrays.fill(knownPassword, '\0');
        }
    }

    private void all() {
        guarded("5.1-1", "Passwords unique per device (no universal default)", this::uniquePasswords);
        guarded("5.1-2", "Pre-installed passwords not derivable from public identifiers, not guessable",
                this::underivablePasswords);
        guarded("5.1-4", "Simple way to change the authentication value", this::passwordChange);
        guarded("5.1-5", "Brute force impracticable: throttle and lockout", this::throttle);
        guarded("5.4-1", "Sensitive security parameters stored securely (no plaintext secret in the data folder)",
                this::noPlaintextSecrets);
        guarded("5.3-2", "Secure update mechanism: only newer, unexpired, authentic updates", this::updateMechanism);
        guarded("5.3-7", "Best-practice cryptography for updates", this::updateCrypto);
        guarded("5.3-9", "Authenticity and integrity of updates verified", this::updateIntegrity);
        guarded("5.3-10", "Network updates verified through the device's trust relationship", this::updateTrust);
        guarded("5.5-1", "Best-practice cryptography to communicate: downgrade, wrong host and untrusted CA refused",
                this::tls);
        guarded("5.6-1", "Unused interfaces disabled: nothing listening", this::nothingListening);
        guarded("5.6-2", "Minimal information exposed before authentication", this::minimalInformation);
        guarded("5.9-3", "Orderly reconnection: backoff and jitter (the MQTT client's reconnect policy)",
                this::reconnect);
        guarded("5.11-1", "Simple erasure of user data", c -> wipeCase(c, false));
        guarded("5.11-4", "Confirmation that personal data was deleted", c -> wipeCase(c, true));
        guarded("5.13-1", "Input from interfaces validated: malformed inputs refused", this::malformedInputs);
    }

    @FunctionalInterface
    private interface Case {
        void run(CaseResult c) throws Exception;
    }

    private void guarded(String group, String title, Case body) {
        CaseResult c = new CaseResult(group, title);
        try {
            body.run(c);
        } catch (Exception | AssertionError e) {
            c.unit("the case ran to its end", Verdict.INCONCLUSIVE, "stopped by " + e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        }
        results.add(c);
    }

    // ------------------------------------------------------------------ 5.1 passwords

    /** serial -> password of the batch, in file order. */
    private Map<String, String> readBatch(CaseResult c) throws IOException {
        Path labels = batch.resolve("labels.csv");
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(labels, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.trim().equals("serial,password")) {
                throw new IOException(labels + " does not start with the header serial,password");
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isEmpty()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 1) {
                    throw new IOException(labels + " line " + n + " is not serial,password");
                }
                out.put(line.substring(0, comma), line.substring(comma + 1));
            }
        }
        c.log("read " + out.size() + " labels from " + labels + " (passwords not logged)");
        return out;
    }

    private void uniquePasswords(CaseResult c) throws Exception {
        if (batch == null) {
            c.unit("passwords of a provisioned batch are pairwise distinct", Verdict.INCONCLUSIVE,
                    "no --batch folder given: give the output of devsec provision");
        } else {
            Map<String, String> b = readBatch(c);
            Map<String, Integer> seen = new HashMap<>();
            for (String p : b.values()) {
                seen.merge(p, 1, Integer::sum);
            }
            int repeated = 0;
            int largest = 0;
            for (int n : seen.values()) {
                if (n > 1) {
                    repeated++;
                    largest = Math.max(largest, n);
                }
            }
            if (b.size() < 2) {
                c.unit("passwords of a provisioned batch are pairwise distinct", Verdict.INCONCLUSIVE,
                        "the batch holds " + b.size() + " device(s): at least 2 are needed");
            } else {
                c.check("passwords of a provisioned batch are pairwise distinct", repeated == 0,
                        b.size() + " devices, " + seen.size() + " distinct passwords"
                                + (repeated == 0 ? "" : "; " + repeated + " password(s) shared, one by "
                                + largest + " devices"));
            }
        }
        // b: the twin itself: a factory reset sets a new password, never a fixed one.
        try (DeviceSecurity d = twin.open()) {
            char[] first = d.factoryReset(IdentityRotation.KEEP).password();
            char[] second = d.factoryReset(IdentityRotation.KEEP).password();
            boolean differ = !Arrays.equals(first, second);
            Arrays.fill(first, '\0');
            setPassword(second);
            c.check("two factory resets of the twin set two different passwords", differ,
                    differ ? "the two passwords differ" : "both resets set the same password");
        }
    }

    private void underivablePasswords(CaseResult c) throws Exception {
        if (batch == null) {
            c.unit("no password derivable from its serial number", Verdict.INCONCLUSIVE,
                    "no --batch folder given: give the output of devsec provision");
            return;
        }
        Map<String, String> b = readBatch(c);
        int derived = 0;
        int weak = 0;
        String firstWeak = null;
        String firstDerived = null;
        for (Map.Entry<String, String> e : b.entrySet()) {
            String serial = e.getKey().toLowerCase(Locale.ROOT);
            String pw = e.getValue().toLowerCase(Locale.ROOT);
            String digits = serial.replaceAll("[^0-9]", "").replaceFirst("^0+", "");
            boolean fromSerial = pw.contains(serial) || serial.contains(pw)
                    || (digits.length() >= 3 && pw.contains(digits))
                    || pw.contains(new StringBuilder(serial).reverse().toString());
            if (fromSerial) {
                derived++;
                if (firstDerived == null) {
                    firstDerived = e.getKey();
                }
            }
            try {
                PasswordPolicy.DEFAULT.check(e.getValue().toCharArray(), Collections.singletonList(e.getKey()));
            } catch (PasswordRejectedException ex) {
                weak++;
                if (firstWeak == null) {
                    firstWeak = e.getKey() + " (" + ex.getMessage() + ")";
                }
            }
        }
        c.check("no password contains its serial number, its digits or its reverse", derived == 0,
                derived == 0 ? b.size() + " passwords checked" : derived + " password(s) built from the serial,"
                        + " first for " + firstDerived);
        c.check("every password resists guessing (SDK password policy, serial as context word)", weak == 0,
                weak == 0 ? b.size() + " passwords pass " + PasswordPolicy.DEFAULT : weak
                        + " password(s) refused by the policy, first " + firstWeak);
        Set<Integer> lengths = new HashSet<>();
        b.values().forEach(p -> lengths.add(p.length()));
        c.log("password lengths seen: " + lengths + "; devsec provision draws " + LabelPasswords.LENGTH
                + " characters (" + LabelPasswords.ENTROPY_BITS_FLOOR + " bits)");
    }

    private void setPassword(char[] p) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
        password = p;
    }

    /** The twin's current password: the given one, else one learnt by resetting the twin. */
    private char[] currentPassword(CaseResult c) throws Exception {
        if (password == null && knownPassword != null) {
            password = knownPassword.clone();
            c.log("using the password given for the device");
        }
        if (password == null) {
            try (DeviceSecurity d = twin.open()) {
                setPassword(d.factoryReset(IdentityRotation.KEEP).password());
            }
            c.log("no password given: the twin was factory reset to learn one");
        }
        return password;
    }

    private char[] freshPassword() {
        return LabelPasswords.generate(random);
    }

    private void passwordChange(CaseResult c) throws Exception {
        char[] old = currentPassword(c).clone();
        char[] next = freshPassword();
        try {
            try (DeviceSecurity d = twin.open()) {
                d.login(old);
                c.log("login with the current password accepted");
                try {
                    d.changePassword(old, "password".toCharArray());
                    c.check("a weak new password is refused", false, "\"password\" was accepted");
                } catch (PasswordRejectedException e) {
                    c.check("a weak new password is refused", true, "refused: " + e.getMessage());
                }
                try {
                    d.changePassword(next, freshPassword());
                    c.check("a change with a wrong current password is refused", false, "the change was accepted");
                } catch (WrongPasswordException e) {
                    c.check("a change with a wrong current password is refused", true, "refused as a wrong password");
                }
                d.changePassword(old, next);
                c.log("password changed to a fresh random value");
                setPassword(next.clone());
                boolean oldRefused;
                try {
                    d.login(old);
                    oldRefused = false;
                } catch (WrongPasswordException e) {
                    oldRefused = true;
                }
                c.check("the old password no longer logs in", oldRefused,
                        oldRefused ? "refused as a wrong password" : "the old password still logs in");
            }
            try (DeviceSecurity d = twin.open()) {
                d.login(next);
                c.check("the new password logs in after a restart", true, "accepted after reopening the twin");
            } catch (WrongPasswordException e) {
                c.check("the new password logs in after a restart", false, "refused after reopening the twin");
            }
        } finally {
            Arrays.fill(old, '\0');
            Arrays.fill(next, '\0');
        }
    }

    private void throttle(CaseResult c) throws Exception {
        char[] pw = currentPassword(c).clone();
        try {
            LoginThrottle def = LoginThrottle.DEFAULT;
            int free = def.freeFailures();
            try (DeviceSecurity d = twin.open()) {
                d.login(pw);
                int refused = 0;
                for (int i = 0; i < free; i++) {
                    try {
                        d.login(freshPassword());
                    } catch (WrongPasswordException e) {
                        refused++;
                    }
                }
                c.check("wrong passwords are refused", refused == free, refused + " of " + free + " refused");
                try {
                    d.login(pw);
                    c.check("after " + free + " failures even the right password waits", false,
                            "the right password logged in at once");
                } catch (LoginThrottledException e) {
                    c.check("after " + free + " failures even the right password waits", true,
                            "refused unchecked, retry after " + e.retryAfter());
                }
            }
            try (DeviceSecurity d = twin.open()) {
                int failures = d.status().consecutiveFailedLogins();
                c.check("the failure count survives a restart", failures >= free,
                        failures + " consecutive failures after reopening the twin");
                d.unlockLoginAfterPhysicalPresence();
            }
            // Lockout, with a throttle whose waits are 1 ms so that it can be reached here.
            LoginThrottle quick = LoginThrottle.builder().freeFailures(0).initialDelay(Duration.ofMillis(1))
                    .maxDelay(Duration.ofMillis(1)).maxFailures(3).build();
            try (DeviceSecurity d = twin.open(quick)) {
                Instant deadline = Instant.now().plusSeconds(10);
                boolean locked = false;
                while (!locked && Instant.now().isBefore(deadline)) {
                    try {
                        d.login(freshPassword());
                    } catch (LoginLockedException e) {
                        locked = true;
                    } catch (LoginThrottledException | WrongPasswordException e) {
                        Thread.onSpinWait();
                    }
                }
                boolean stays = false;
                if (locked) {
                    try {
                        d.login(pw);
                    } catch (LoginLockedException e) {
                        stays = true;
                    }
                }
                c.check("login locks after the maximum of failures, also for the right password", locked && stays,
                        locked ? (stays ? "locked after 3 failures (throttle of the test: 1 ms waits, 3 failures);"
                                + " the right password is refused while locked" : "locked, but the right password"
                                + " still logs in") : "no lock within 10 s");
                d.unlockLoginAfterPhysicalPresence();
            }
            c.log("the SDK's default throttle: " + def + "; the application may configure its own");
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    // ------------------------------------------------------------------ 5.4 storage

    private void noPlaintextSecrets(CaseResult c) throws Exception {
        char[] old = currentPassword(c).clone();
        char[] next = freshPassword();
        List<byte[]> secrets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            try (DeviceSecurity d = twin.open()) {
                d.changePassword(old, next);
                setPassword(next.clone());
                String s = new String(next);
                secrets.add(s.getBytes(StandardCharsets.UTF_8));
                names.add("the password (UTF-8)");
                secrets.add(s.getBytes(StandardCharsets.UTF_16LE));
                names.add("the password (UTF-16LE)");
                secrets.add(s.getBytes(StandardCharsets.UTF_16BE));
                names.add("the password (UTF-16BE)");
                Optional<PrivateKey> key = identityKey(d);
                if (key.isPresent() && key.get().getEncoded() != null) {
                    secrets.add(key.get().getEncoded());
                    names.add("the identity private key (PKCS#8)");
                    if (key.get() instanceof ECPrivateKey) {
                        secrets.add(unsigned(((ECPrivateKey) key.get()).getS().toByteArray(), 32));
                        names.add("the identity private scalar");
                    }
                } else {
                    c.log("the identity private key is not extractable (held by a token): not scanned for");
                }
            }
            secrets.add("PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII));
            names.add("a PEM private key");
            List<String> found = new ArrayList<>();
            int files = 0;
            for (Path f : twin.files()) {
                if (Files.size(f) > MAX_SCAN_BYTES) {
                    c.log("not scanned (larger than " + MAX_SCAN_BYTES + " bytes): " + rel(f));
                    continue;
                }
                byte[] bytes = Files.readAllBytes(f);
                files++;
                for (int i = 0; i < secrets.size(); i++) {
                    if (indexOf(bytes, secrets.get(i)) >= 0) {
                        found.add(names.get(i) + " in " + rel(f));
                    }
                }
                Arrays.fill(bytes, (byte) 0);
            }
            c.check("no file holds the password just set, the identity private key or a PEM private key",
                    found.isEmpty(), found.isEmpty() ? files + " files scanned for " + names.size() + " values"
                            : "found " + String.join("; ", found));
            List<String> open = new ArrayList<>();
            boolean posix = true;
            for (Path f : twin.files()) {
                try {
                    Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
                    if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                        open.add(rel(f));
                    }
                } catch (UnsupportedOperationException e) {
                    posix = false;
                }
            }
            if (!posix) {
                c.unit("no file readable by group or others", Verdict.INCONCLUSIVE, "no POSIX permissions here");
            } else {
                c.check("no file readable by group or others", open.isEmpty(),
                        open.isEmpty() ? "every file is owner-only" : "readable by group or others: " + open);
            }
            if (Files.isRegularFile(twin.folder().resolve(DeviceSecurity.DEVICE_SECRET_FILE))) {
                c.unit("the master key is protected by more than file permissions", Verdict.INCONCLUSIVE,
                        DeviceSecurity.DEVICE_SECRET_FILE + " holds the keystore's master key beside the keystore:"
                                + " only the platform's file protection guards it (declare it, or use a passphrase,"
                                + " TPM or PKCS#11 master key)");
            } else {
                c.unit("the master key is protected by more than file permissions", Verdict.PASS,
                        "no " + DeviceSecurity.DEVICE_SECRET_FILE + ": the master key is not stored in the folder");
            }
        } finally {
            Arrays.fill(old, '\0');
            Arrays.fill(next, '\0');
            secrets.forEach(b -> Arrays.fill(b, (byte) 0));
        }
    }

    private static Optional<PrivateKey> identityKey(DeviceSecurity d) {
        try {
            X509KeyManager km = d.tlsIdentity().keyManager();
            for (String type : new String[] {"EC", "Ed25519", "EdDSA", "RSA"}) {
                String[] aliases = km.getClientAliases(type, null);
                if (aliases != null) {
                    for (String a : aliases) {
                        PrivateKey k = km.getPrivateKey(a);
                        if (k != null) {
                            return Optional.of(k);
                        }
                    }
                }
            }
        } catch (Exception e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static byte[] unsigned(byte[] b, int len) {
        byte[] out = new byte[len];
        int copy = Math.min(len, b.length);
        System.arraycopy(b, b.length - copy, out, len - copy, copy);
        Arrays.fill(b, (byte) 0);
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String rel(Path f) {
        return twin.folder().relativize(f).toString();
    }

    // ------------------------------------------------------------------ 5.3 updates

    private static final String HW = "devsec-evidence-hw";

    /** A locally made root (root key R, update key U) and an update signer. */
    private final class LocalUpdates {
        final SigningKey root = SigningKey.generate(KeyAlgorithm.ED25519);
        final SigningKey update = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        final SigningKey foreign = SigningKey.generate(KeyAlgorithm.ED25519);
        final byte[] rootEnvelope;

        LocalUpdates() {
            RootMetadata md = RootMetadata.builder().version(1).expires(clock.instant().plus(Duration.ofDays(365)))
                    .rootKey(root.publicKey()).updateKey(update.publicKey()).rootThreshold(1).updateThreshold(1)
                    .build();
            byte[] payload = md.toPayload();
            rootEnvelope = Envelope.of(Envelope.ROOT_PAYLOAD_TYPE, payload,
                    Collections.singletonList(root.signEnvelope(Envelope.ROOT_PAYLOAD_TYPE, payload))).toJson();
        }

        byte[] offer(long version, Instant expires, SigningKey by) {
            byte[] image = ("evidence image " + version).getBytes(StandardCharsets.UTF_8);
            UpdateMetadata md = UpdateMetadata.builder().version(version).hardwareId(HW).imageLength(image.length)
                    .imageSha256(sha256(image)).expires(expires).reason("devsec evidence test update").build();
            byte[] payload = md.toPayload();
            return Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, payload,
                    Collections.singletonList(by.signEnvelope(Envelope.UPDATE_PAYLOAD_TYPE, payload))).toJson();
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private LocalUpdates updates;
    private long floor = -1;

    private LocalUpdates updates() throws Exception {
        if (updates == null) {
            updates = new LocalUpdates();
            try (DeviceSecurity d = twin.open()) {
                floor = d.rollbackCounter().current();
            }
        }
        return updates;
    }

    /** Runs the check; returns null when accepted, else the refusal. */
    private String attempt(byte[] root, byte[] offer, long installed) {
        try {
            seams.updateCheck.create(root, HW, floor, clock).verify(offer, installed);
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private void refused(CaseResult c, String purpose, byte[] root, byte[] offer, long installed) {
        String why = attempt(root, offer, installed);
        c.check(purpose, why != null, why == null ? "accepted" : "refused: " + why);
    }

    private void updateMechanism(CaseResult c) throws Exception {
        LocalUpdates u = updates();
        long installed = Math.max(floor, 5);
        c.log("locally made root (Ed25519 root key " + u.root.keyId() + ", P-256 update key " + u.update.keyId()
                + "); the twin's rollback floor is " + floor + "; installed version taken as " + installed);
        String ok = attempt(u.rootEnvelope, u.offer(installed + 1, clock.instant().plus(Duration.ofDays(1)), u.update),
                installed);
        c.unit("control: a well-signed, newer, unexpired update is accepted", ok == null ? Verdict.PASS
                : Verdict.INCONCLUSIVE, ok == null ? "accepted" : "refused, so the refusals below prove nothing: " + ok);
        refused(c, "an older version (rollback) is refused", u.rootEnvelope,
                u.offer(installed - 1, clock.instant().plus(Duration.ofDays(1)), u.update), installed);
        refused(c, "the same version again is refused", u.rootEnvelope,
                u.offer(installed, clock.instant().plus(Duration.ofDays(1)), u.update), installed);
        refused(c, "an expired update is refused", u.rootEnvelope,
                u.offer(installed + 1, clock.instant().minus(Duration.ofMinutes(1)), u.update), installed);
    }

    private void updateCrypto(CaseResult c) throws Exception {
        Optional<byte[]> deviceRoot;
        try (DeviceSecurity d = twin.open()) {
            deviceRoot = d.trustedRootStore().load();
        }
        if (!deviceRoot.isPresent()) {
            c.unit("the device's trusted root lists only Ed25519 or P-256 keys", Verdict.NOT_APPLICABLE,
                    "the twin holds no trusted update root (no update mechanism configured in its data)");
        } else {
            Envelope env = Envelope.parse(deviceRoot.get(), io.devsec.update.MetadataLimits.DEFAULT);
            RootMetadata md = RootMetadata.parse(env.payload(), io.devsec.update.MetadataLimits.DEFAULT);
            Set<String> algs = new LinkedHashSet<>();
            for (VerificationKey k : md.keys().values()) {
                algs.add(k.algorithm().id());
            }
            c.check("the device's trusted root lists only Ed25519 or P-256 keys", true,
                    "root version " + md.version() + ", keys: " + algs + ", root threshold " + md.rootThreshold()
                            + ", update threshold " + md.updateThreshold());
        }
        LocalUpdates u = updates();
        long installed = Math.max(floor, 5);
        byte[] offer = u.offer(installed + 1, clock.instant().plus(Duration.ofDays(1)), u.update);
        refused(c, "a signature that does not verify (one bit flipped) is refused", u.rootEnvelope,
                flipSignatureBit(offer), installed);
    }

    private static byte[] flipSignatureBit(byte[] envelopeJson) throws Exception {
        Envelope e = Envelope.parse(envelopeJson, io.devsec.update.MetadataLimits.DEFAULT);
        Envelope.Signature s = e.signatures().get(0);
        byte[] sig = s.sig();
        sig[sig.length / 2] ^= 0x01;
        return Envelope.of(e.payloadType(), e.payload(), Collections.singletonList(Envelope.Signature.of(s.keyId(),
                sig))).toJson();
    }

    private void updateIntegrity(CaseResult c) throws Exception {
        LocalUpdates u = updates();
        long installed = Math.max(floor, 5);
        byte[] good = u.offer(installed + 1, clock.instant().plus(Duration.ofDays(1)), u.update);
        Envelope e = Envelope.parse(good, io.devsec.update.MetadataLimits.DEFAULT);
        String payload = new String(e.payload(), StandardCharsets.UTF_8);
        String tamperedPayload = payload.replace("\"version\":" + (installed + 1), "\"version\":" + (installed + 2));
        if (tamperedPayload.equals(payload)) {
            tamperedPayload = payload + " ";
        }
        byte[] tampered = Envelope.of(e.payloadType(), tamperedPayload.getBytes(StandardCharsets.UTF_8),
                e.signatures()).toJson();
        c.log("tampered payload differs from the signed one: " + !tamperedPayload.equals(payload));
        refused(c, "tampered metadata (payload changed after signing) is refused", u.rootEnvelope, tampered, installed);
        refused(c, "an update signed by a key the root does not list is refused", u.rootEnvelope,
                u.offer(installed + 1, clock.instant().plus(Duration.ofDays(1)), u.foreign), installed);
        byte[] unsigned = Envelope.of(e.payloadType(), e.payload(), Collections.emptyList()).toJson();
        refused(c, "an unsigned update is refused", u.rootEnvelope, unsigned, installed);
    }

    private void updateTrust(CaseResult c) throws Exception {
        Optional<byte[]> deviceRoot;
        try (DeviceSecurity d = twin.open()) {
            deviceRoot = d.trustedRootStore().load();
        }
        if (!deviceRoot.isPresent()) {
            c.unit("an update signed outside the device's trusted root is refused", Verdict.NOT_APPLICABLE,
                    "the twin holds no trusted update root");
            return;
        }
        LocalUpdates u = updates();
        long installed = Math.max(floor, 5);
        refused(c, "an update signed outside the device's trusted root is refused", deviceRoot.get(),
                u.offer(installed + 1, clock.instant().plus(Duration.ofDays(1)), u.update), installed);
    }

    // ------------------------------------------------------------------ 5.5 communication

    private void tls(CaseResult c) throws Exception {
        LoopbackTls.Issued ca = LoopbackTls.ca("DevSec evidence CA");
        LoopbackTls.Issued otherCa = LoopbackTls.ca("Unknown CA");
        LoopbackTls.Issued good = LoopbackTls.server(ca, "localhost");
        TrustAnchors anchors = TrustAnchors.of(Collections.singletonList(ca.cert));
        DeviceTlsContext ctx = DeviceTlsContext.createWithoutClientIdentity(anchors, seams.tls);
        c.log("device TLS settings: " + seams.tls);
        String[] modern = {"TLSv1.3", "TLSv1.2"};
        String control = handshake(ctx, good, modern, null);
        c.unit("control: a server with a valid certificate for the host is accepted", control == null ? Verdict.PASS
                : Verdict.INCONCLUSIVE, control == null ? "handshake completed" : "refused, so the refusals below"
                + " prove nothing: " + control);
        String legacy = handshake(ctx, good, new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});
        c.check("a server offering only TLS 1.2 CBC suites without AEAD (downgrade) is refused", legacy != null,
                legacy == null ? "handshake completed with a legacy suite" : "refused: " + legacy);
        String old = handshake(ctx, good, new String[] {"TLSv1.1", "TLSv1"}, null);
        c.check("a server offering only TLS 1.1 or 1.0 is refused", old != null,
                old == null ? "handshake completed below TLS 1.2" : "refused: " + old);
        String host = handshake(ctx, LoopbackTls.server(ca, "wrong-host.example"), modern, null);
        c.check("a certificate for another host name is refused", host != null,
                host == null ? "handshake completed" : "refused: " + host);
        String untrusted = handshake(ctx, LoopbackTls.server(otherCa, "localhost"), modern, null);
        c.check("a certificate from an untrusted CA is refused", untrusted != null,
                untrusted == null ? "handshake completed" : "refused: " + untrusted);
    }

    /** null when the handshake completed, else why it did not. */
    private static String handshake(DeviceTlsContext ctx, LoopbackTls.Issued leaf, String[] protocols,
            String[] suites) {
        LoopbackTls.Server server;
        try {
            server = new LoopbackTls.Server(leaf, protocols, suites);
        } catch (Exception e) {
            return "the server could not start with " + Arrays.toString(protocols) + ": " + e.getMessage();
        }
        try (LoopbackTls.Server s = server) {
            try (SSLSocket sock = ctx.connect("localhost", s.port())) {
                return null;
            } catch (IOException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        } catch (Exception e) {
            return "closing the server: " + e.getMessage();
        }
    }

    // ------------------------------------------------------------------ 5.6 attack surface

    private void nothingListening(CaseResult c) throws Exception {
        if (!Files.isReadable(Paths.get("/proc/net/tcp")) || !Files.isDirectory(Paths.get("/proc/self/fd"))) {
            c.unit("opening the device opens no listening socket", Verdict.INCONCLUSIVE,
                    "no /proc/net here (Linux only): check with netstat or ss on the device");
            return;
        }
        Set<String> before = listeningOfThisProcess();
        List<String> opened = new ArrayList<>();
        try (DeviceSecurity d = twin.open(); AutoCloseable app = seams.start.start(d)) {
            d.status();
            d.publicInfo();
            Set<String> after = listeningOfThisProcess();
            after.removeAll(before);
            opened.addAll(after);
        }
        c.check("opening the device (and what the application starts) opens no listening socket", opened.isEmpty(),
                opened.isEmpty() ? "no new TCP listener or bound UDP socket in this process (/proc/net)"
                        : "new listening sockets: " + opened);
    }

    /** "tcp 0.0.0.0:8080" entries of sockets this process holds that listen (TCP) or are bound (UDP). */
    static Set<String> listeningOfThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            });
        }
        Set<String> out = new HashSet<>();
        for (String table : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            Path p = Paths.get("/proc/net", table);
            if (!Files.isReadable(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                boolean listening = table.startsWith("tcp") ? f[3].equals("0A") : f[3].equals("07");
                if (listening && inodes.contains(f[9])) {
                    String local = f[1];
                    int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    out.add(table + " port " + port);
                }
            }
        }
        return out;
    }

    private void minimalInformation(CaseResult c) throws Exception {
        try (DeviceSecurity d = twin.open()) {
            PublicDeviceInfo info = d.publicInfo();
            String text = info.text() + "\n" + info.json();
            List<String> leaks = new ArrayList<>();
            if (d.serialNumber().isPresent() && text.contains(d.serialNumber().get())) {
                leaks.add("the serial number");
            }
            String spki = java.util.Base64.getEncoder().encodeToString(d.identityPublicKey().getEncoded());
            if (text.contains(spki.substring(0, Math.min(40, spki.length())))) {
                leaks.add("the identity public key");
            }
            if (text.contains("BEGIN CERTIFICATE")) {
                leaks.add("a certificate");
            }
            for (String word : new String[] {"version", "firmware", "password", "locked", "consent"}) {
                if (text.toLowerCase(Locale.ROOT).contains(word)) {
                    leaks.add("\"" + word + "\"");
                }
            }
            c.check("the public (unauthenticated) view holds only the product name and device id", leaks.isEmpty(),
                    leaks.isEmpty() ? "public view: " + info.json() : "the public view shows " + leaks);
            String message;
            try {
                d.login(freshPassword());
                message = null;
            } catch (WrongPasswordException e) {
                message = String.valueOf(e.getMessage());
            }
            boolean quiet = message != null && !message.toLowerCase(Locale.ROOT).contains("argon")
                    && !message.toLowerCase(Locale.ROOT).contains("hash");
            c.check("a refused login says no more than that it was refused", quiet,
                    message == null ? "a random password logged in" : "message: " + message);
        }
    }

    // ------------------------------------------------------------------ 5.9 resilience

    private void reconnect(CaseResult c) {
        io.devsec.transport.ReconnectPolicy p = seams.reconnect;
        c.log("reconnect policy: " + p + " (DevSec's default unless the application sets its own)");
        java.util.Random r = new java.util.Random(random.nextLong());
        int samples = 2000;
        long sum = 0;
        for (int i = 0; i < samples; i++) {
            sum += p.delayFor(10, r).toNanos();
        }
        Duration mean = Duration.ofNanos(sum / samples);
        c.check("after 10 failed attempts the mean wait is at least 1 s (no tight retry loop)",
                mean.compareTo(Duration.ofSeconds(1)) >= 0, "mean wait before attempt 10: " + mean.toMillis()
                        + " ms (ceiling " + p.ceilingFor(10).toMillis() + " ms)");
        c.check("the backoff grows with failed attempts", p.ceilingFor(5).compareTo(p.ceilingFor(0)) > 0,
                "ceiling of attempt 0: " + p.ceilingFor(0).toMillis() + " ms, of attempt 5: "
                        + p.ceilingFor(5).toMillis() + " ms");
        Set<Long> distinct = new HashSet<>();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 200; i++) {
            long d = p.delayFor(3, r).toMillis();
            distinct.add(d);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        c.check("retry delays are jittered (devices do not retry in step)", distinct.size() >= 50
                && max - min >= p.ceilingFor(3).toMillis() / 4, distinct.size() + " distinct delays of 200 before"
                + " attempt 3, from " + min + " to " + max + " ms");
        Duration power = p.firstConnectJitter();
        Duration loss = p.stableLossSpread();
        c.check("a fleet powered on or losing its broker together is spread over at least 1 s",
                power.compareTo(Duration.ofSeconds(1)) >= 0 && loss.compareTo(Duration.ofSeconds(1)) >= 0,
                "first connect spread over " + power.toMillis() + " ms, first reconnect after a stable loss over "
                        + loss.toMillis() + " ms");
    }

    // ------------------------------------------------------------------ 5.11 deletion

    private WipeOutcome wipeOutcome;

    private static final class WipeOutcome {
        WipeReceipt receipt;
        String error;
        Set<String> namesAfter;
        List<String> markerFiles = new ArrayList<>();
        long personalFilesLeft;
    }

    private WipeOutcome wipeOnce(CaseResult c) throws Exception {
        if (wipeOutcome != null) {
            return wipeOutcome;
        }
        WipeOutcome w = new WipeOutcome();
        byte[] marker = ("devsec-evidence-personal-" + Long.toHexString(random.nextLong())).getBytes(
                StandardCharsets.UTF_8);
        try (DeviceSecurity d = twin.open()) {
            d.personalData().put("evidence-marker", marker);
            c.log("stored a personal data item with a random marker; items before the wipe: "
                    + d.personalData().names().size());
            try {
                w.receipt = seams.wiper.wipe(d, twin.folder());
            } catch (Exception e) {
                w.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            w.namesAfter = d.personalData().names();
            Path personal = d.personalData().folder();
            if (Files.isDirectory(personal)) {
                try (Stream<Path> s = Files.walk(personal)) {
                    w.personalFilesLeft = s.filter(Files::isRegularFile).count();
                }
            }
        }
        for (Path f : twin.files()) {
            if (Files.size(f) <= MAX_SCAN_BYTES && indexOf(Files.readAllBytes(f), marker) >= 0) {
                w.markerFiles.add(rel(f));
            }
        }
        wipeOutcome = w;
        return w;
    }

    private void wipeCase(CaseResult c, boolean confirmation) throws Exception {
        WipeOutcome w = wipeOnce(c);
        if (confirmation) {
            c.check("the wipe returns a confirmation (receipt) of what it removed", w.receipt != null
                    && w.error == null, w.receipt != null ? "receipt: " + w.receipt.text().replace('\n', ' ')
                    : "no receipt: " + w.error);
            return;
        }
        c.check("the wipe completes", w.error == null, w.error == null ? "completed" : "failed: " + w.error);
        c.check("no personal data item is left in the store", w.namesAfter.isEmpty(),
                w.namesAfter.isEmpty() ? "the store lists no item" : "items left: " + w.namesAfter);
        c.check("no file in the data folder holds the personal data", w.markerFiles.isEmpty()
                && w.personalFilesLeft == 0, w.markerFiles.isEmpty() && w.personalFilesLeft == 0
                ? "the marker is in no file and the personal folder is empty"
                : "marker found in " + w.markerFiles + "; files left in the personal folder: " + w.personalFilesLeft);
    }

    // ------------------------------------------------------------------ 5.13 input validation

    private void malformedInputs(CaseResult c) throws Exception {
        Path scratch = twin.scratch("inputs");
        String[][] configs = {
            {"not JSON", "{\"productName\": "},
            {"an unknown field", "{\"productName\":\"x\",\"debugShell\":true}"},
            {"a wrong type", "{\"productName\":42}"},
            {"a 1 MB string", "{\"productName\":\"" + "A".repeat(1 << 20) + "\"}"},
        };
        List<String> accepted = new ArrayList<>();
        for (String[] cfg : configs) {
            Path f = scratch.resolve("config.json");
            Files.write(f, cfg[1].getBytes(StandardCharsets.UTF_8));
            try {
                DeviceSecurity.builder().configFile(f);
                accepted.add(cfg[0]);
            } catch (ValidationException | IOException e) {
                c.log("configuration with " + cfg[0] + " refused: " + e.getClass().getSimpleName());
            }
        }
        c.check("malformed configuration files are refused", accepted.isEmpty(),
                accepted.isEmpty() ? configs.length + " malformed files refused" : "accepted: " + accepted);
        byte[][] envelopes = {
            "garbage".getBytes(StandardCharsets.US_ASCII),
            "{\"payloadType\":\"application/vnd.devsec.update+json\",\"payload\":\"!!!\",\"signatures\":[]}"
                    .getBytes(StandardCharsets.US_ASCII),
            new byte[2 << 20],
        };
        LocalUpdates u = updates();
        int refusedEnv = 0;
        for (byte[] env : envelopes) {
            if (attempt(u.rootEnvelope, env, Math.max(floor, 5)) != null) {
                refusedEnv++;
            }
        }
        c.check("malformed update envelopes are refused", refusedEnv == envelopes.length,
                refusedEnv + " of " + envelopes.length + " refused (not JSON, bad base64, 2 MB of zeros)");
        try (DeviceSecurity d = twin.open()) {
            byte[][] messages = {
                "{".getBytes(StandardCharsets.US_ASCII),
                "{\"purpose\":42,\"granted\":\"yes\"}".getBytes(StandardCharsets.US_ASCII),
                "{\"purpose\":\"no-such-purpose\",\"granted\":true}".getBytes(StandardCharsets.US_ASCII),
                ("[" + "[".repeat(10_000) + "]".repeat(10_000) + "]").getBytes(StandardCharsets.US_ASCII),
            };
            int refused = 0;
            if (d.consentMessageSchema().isEmpty()) {
                c.unit("malformed consent messages are refused", Verdict.NOT_APPLICABLE,
                        "no consent purposes configured: the device takes no consent messages");
                return;
            }
            for (byte[] m : messages) {
                try {
                    d.applyConsentMessage(m);
                } catch (ValidationException e) {
                    refused++;
                }
            }
            c.check("malformed consent messages are refused", refused == messages.length,
                    refused + " of " + messages.length + " refused (truncated, wrong types, unknown purpose,"
                            + " 10,000 levels of nesting)");
        }
    }
}
