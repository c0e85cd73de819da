package io.devsec.tools.evidence;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.DeviceStatus;
import io.devsec.core.IdentityRotation;
import io.devsec.core.LoginLockedException;
import io.devsec.core.LoginThrottle;
import io.devsec.core.LoginThrottledException;
import io.devsec.core.PasswordPolicy;
import io.devsec.core.MqttSettings;
import io.devsec.core.PasswordRejectedException;
import io.devsec.core.UpdateSettings;
import io.devsec.core.WrongPasswordException;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.privacy.ConsentGate;
import io.devsec.core.privacy.ConsentState;
import io.devsec.core.privacy.WipeReceipt;
import io.devsec.core.surface.PublicDeviceInfo;
import io.devsec.core.validation.ValidationException;
import io.devsec.tools.update.SigningKey;
import io.devsec.transport.DeviceMqttClient;
import io.devsec.transport.DeviceTlsContext;
import io.devsec.transport.Qos;
import io.devsec.transport.TrustAnchors;
import io.devsec.update.Envelope;
import io.devsec.update.KeyAlgorithm;
import io.devsec.update.RootMetadata;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateSchedule;
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
        guarded("5.7-2", "Unauthorised software change detected: alert, and networking restricted to the alert",
                this::tamperedSoftware);
        guarded("5.9-2", "Local operation without network, clean recovery from power loss (outbox and state survive)",
                this::offlineOperation);
        guarded("5.9-3", "Orderly reconnection: backoff and jitter (the MQTT client's reconnect policy)",
                this::reconnect);
        guarded("5.11-1", "Simple erasure of user data", c -> wipeCase(c, false));
        guarded("5.11-4", "Confirmation that personal data was deleted", c -> wipeCase(c, true));
        guarded("5.13-1", "Input from interfaces validated: malformed inputs refused", this::malformedInputs);
        guarded("6-3", "Consent withdrawable: personal telemetry held back without consent", this::consentTelemetry);
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

    // ------------------------------------------------------------------ helpers for cases with an MQTT client

    /** A port on loopback where nothing listens (the broker is unreachable). */
    static int deadPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An MQTT client made by the device for a broker that cannot be reached: what it publishes stays in its outbox. */
    private static DeviceMqttClient offlineClient(DeviceSecurity d) throws Exception {
        LoopbackTls.Issued ca = LoopbackTls.ca("DevSec evidence unreachable broker CA");
        return d.mqtt(MqttSettings.builder("localhost", deadPort(), TrustAnchors.of(Collections.singletonList(ca.cert)))
                .build());
    }

    private byte[] marker(String what) {
        return ("devsec-evidence-" + what + "-" + Long.toHexString(random.nextLong())).getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ 5.7 software integrity

    private void tamperedSoftware(CaseResult c) throws Exception {
        LocalUpdates u = updates();
        Path fresh = twin.scratch("integrity-device");
        c.log("runs DevSec's integrity check on a fresh device of the same configuration in a scratch folder (the"
                + " twin's own update root and images are not used): factory image version 1 signed by a locally made"
                + " root, in the file-based slot A");
        byte[] image = ("evidence image 1").getBytes(StandardCharsets.UTF_8); // the image u.offer(1, ...) signs
        byte[] metadata = u.offer(1, clock.instant().plus(Duration.ofDays(365)), u.update);
        Path running = fresh.resolve(UpdateSettings.DEFAULT_SLOTS_FOLDER).resolve("slot-a").resolve("image");
        Files.createDirectories(running.getParent());
        Files.write(running, image);
        UpdateSettings settings = UpdateSettings.builder(u.rootEnvelope, HW).factoryMetadata(metadata)
                .source(installed -> Optional.empty()).healthCheck(() -> { })
                .schedule(UpdateSchedule.of(Duration.ofDays(1), Duration.ofDays(1), Duration.ZERO)).build();
        try (DeviceSecurity d = twin.openAt(fresh, null)) {
            seams.updateStart.start(d, settings);
            DeviceStatus st = d.status();
            boolean ok = st.softwareIntegrity() == DeviceStatus.SoftwareIntegrity.VERIFIED && !st.compromised();
            c.unit("control: the untouched signed image is verified at start", ok ? Verdict.PASS : Verdict.INCONCLUSIVE,
                    ok ? "software integrity VERIFIED" : "software integrity " + st.softwareIntegrity() + ", compromised "
                            + st.compromised() + ": the checks below prove nothing");
        }
        byte[] changed = Files.readAllBytes(running);
        changed[changed.length / 2] ^= 1;
        Files.write(running, changed);
        c.log("changed one bit of the running image (an unauthorised software change)");
        try (DeviceSecurity d = twin.openAt(fresh, null)) {
            DeviceMqttClient client = offlineClient(d);
            long before = client.pendingMessages();
            seams.updateStart.start(d, settings);
            DeviceStatus st = d.status();
            c.check("the changed software is detected at start", st.softwareIntegrity()
                    == DeviceStatus.SoftwareIntegrity.COMPROMISED && st.compromised(), "software integrity "
                    + st.softwareIntegrity() + ", compromised " + st.compromised());
            Optional<io.devsec.core.events.SecurityEvent> alert = d.events().recentEvents().stream()
                    .filter(e -> e.type() == io.devsec.core.events.SecurityEvent.Type.INTEGRITY_FAILURE).findFirst();
            c.check("an alert is raised: a critical INTEGRITY_FAILURE security event", alert.isPresent()
                    && alert.get().severity() == io.devsec.core.events.Severity.CRITICAL, alert.isPresent()
                    ? "event " + alert.get().type() + " (" + alert.get().severity() + ") " + alert.get().attributes()
                    : "no INTEGRITY_FAILURE event among " + d.events().recentEvents().size() + " recent events");
            long after = client.pendingMessages();
            c.check("the alert is queued for the operator on the MQTT client (broker unreachable: in its outbox)",
                    after > before, "messages waiting in the outbox: " + before + " before the check, " + after + " after");
            Optional<String> quarantine = client.quarantined();
            String refused;
            try {
                client.publish(client.namespace().topic("telemetry/evidence"), marker("telemetry"), Qos.AT_LEAST_ONCE);
                refused = null;
            } catch (io.devsec.transport.TopicOutsideNamespaceException e) {
                refused = e.getMessage();
            }
            c.check("networking is restricted to the alert: the client is quarantined and ordinary telemetry refused",
                    quarantine.isPresent() && refused != null, "quarantine topic " + quarantine.orElse("none")
                            + "; ordinary telemetry " + (refused == null ? "accepted" : "refused: " + refused));
        }
        try (DeviceSecurity d = twin.openAt(fresh, null)) {
            boolean kept = d.status().compromised();
            c.check("the compromised mark survives a restart (before any new check)", kept,
                    "compromised after reopening: " + kept);
        }
    }

    // ------------------------------------------------------------------ 5.9 resilience: offline, power loss

    private void offlineOperation(CaseResult c) throws Exception {
        char[] pw = currentPassword(c).clone();
        byte[] payload = marker("offline");
        long before;
        try {
            try (DeviceSecurity d = twin.open(); AutoCloseable app = seams.start.start(d)) {
                DeviceMqttClient client = offlineClient(d);
                before = client.pendingMessages();
                String local;
                try {
                    d.login(pw);
                    DeviceStatus st = d.status();
                    local = null;
                    c.log("status without network: " + st.findings().size() + " finding(s), connection "
                            + client.state());
                } catch (Exception e) {
                    local = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                c.check("with the broker unreachable the device works locally (login, status)", local == null,
                        local == null ? "login accepted and status answered while the client is " + client.state()
                                : "failed: " + local);
                client.publish(client.namespace().topic("telemetry/evidence"), payload, Qos.AT_LEAST_ONCE);
                long held = client.pendingMessages();
                c.check("a message published while offline is kept in the outbox", held == before + 1,
                        "messages waiting: " + before + " before, " + held + " after the publish");
            }
            List<Path> journals = new ArrayList<>();
            Path outbox = twin.folder().resolve(MqttSettings.DEFAULT_OUTBOX_FOLDER);
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> s = Files.walk(outbox)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".journal")).forEach(journals::add);
                }
            }
            for (Path j : journals) {
                // What a power loss during an append leaves on common file systems: the file grew, the data did not
                // reach the disk (zero fill).
                byte[] torn = new byte[37];
                Files.write(j, torn, java.nio.file.StandardOpenOption.APPEND);
                c.log("power loss simulated: a torn record of " + torn.length + " zero bytes appended to " + rel(j));
            }
            if (journals.isEmpty()) {
                c.log("no outbox journal found to tear: power loss simulated by the restart only");
            }
            try (DeviceSecurity d = twin.open(); AutoCloseable app = seams.start.start(d)) {
                DeviceMqttClient client = offlineClient(d);
                long after = client.pendingMessages();
                c.check("after a restart (power loss during a write) the message is still in the outbox",
                        after == before + 1, "messages waiting after reopening: " + after + " (expected " + (before + 1)
                                + ")");
                String login;
                try {
                    d.login(pw);
                    login = null;
                } catch (Exception e) {
                    login = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                c.check("the device's state survives the restart: its password still logs in, offline", login == null,
                        login == null ? "accepted" : "refused: " + login);
            }
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    // ------------------------------------------------------------------ 6 data protection

    private void consentTelemetry(CaseResult c) throws Exception {
        String purpose;
        String topic = "telemetry/evidence-personal";
        try (DeviceSecurity d = twin.open()) {
            java.util.Optional<io.devsec.core.privacy.ConsentRegistry> registry = d.consents();
            if (!registry.isPresent()) {
                c.unit("personal telemetry is held back without consent", Verdict.NOT_APPLICABLE,
                        "no consent purposes configured: the device processes no personal data under consent"
                                + " (condition 7 not met); declare it in the declarations file");
                return;
            }
            io.devsec.core.privacy.ConsentRegistry consents = registry.get();
            purpose = consents.purposes().get(0).id();
            DeviceMqttClient client = offlineClient(d);
            ConsentState start = consents.state(purpose);
            if (start == ConsentState.GRANTED) {
                consents.withdraw(purpose);
            }
            ConsentState now = consents.state(purpose);
            c.log("purpose \"" + purpose + "\", consent " + start + " at the start, " + now + " for unit a");
            long before = client.pendingMessages();
            ConsentGate.Decision a = seams.personalSender.send(d, client, purpose, topic, marker("personal"));
            long afterA = client.pendingMessages();
            c.check("without consent (" + now + ") personal telemetry is not sent", afterA == before,
                    "decision " + a + "; outbox " + before + " -> " + afterA);
            consents.grant(purpose);
            long beforeB = client.pendingMessages();
            ConsentGate.Decision b = seams.personalSender.send(d, client, purpose, topic, marker("personal"));
            long afterB = client.pendingMessages();
            c.unit("control: with consent granted it is sent", afterB > beforeB ? Verdict.PASS : Verdict.INCONCLUSIVE,
                    "decision " + b + "; outbox " + beforeB + " -> " + afterB);
            consents.withdraw(purpose);
            long beforeC = client.pendingMessages();
            ConsentGate.Decision cc = seams.personalSender.send(d, client, purpose, topic, marker("personal"));
            long afterC = client.pendingMessages();
            c.check("after consent is withdrawn nothing more is sent", afterC == beforeC,
                    "decision " + cc + "; outbox " + beforeC + " -> " + afterC);
        }
        try (DeviceSecurity d = twin.open()) {
            DeviceMqttClient client = offlineClient(d);
            ConsentState state = d.consents().orElseThrow().state(purpose);
            long before = client.pendingMessages();
            ConsentGate.Decision dd = seams.personalSender.send(d, client, purpose, topic, marker("personal"));
            long after = client.pendingMessages();
            c.check("the withdrawal survives a restart and still holds the telemetry back",
                    state == ConsentState.WITHDRAWN && after == before, "consent " + state + " after reopening; decision "
                            + dd + "; outbox " + before + " -> " + after);
        }
    }
}
