package io.devsec.core;

import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.events.SecurityEvent;
import io.devsec.core.internal.Identity;
import io.devsec.core.internal.LoginState;
import io.devsec.core.internal.PasswordHasher;
import io.devsec.core.provisioning.InvalidProvisioningRecordException;
import io.devsec.core.provisioning.InvalidProvisioningRecordException.Problem;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local password of the device (provision 4.1): the initial password, throttled login, password change,
 * unlock on physical presence and the password half of a factory reset. Owns the keystore entries under
 * {@value #PREFIX}, its own lock, the initial password not yet taken and the anchor of the throttle wait.
 */
final class PasswordPart {

    /** Made on first use: a normal start logs nothing, so it never initialises SLF4J. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);
    }

    static final String PREFIX = "auth/";
    static final String PASSWORD = PREFIX + "password";
    static final String PASSWORD_ORIGIN = PREFIX + "password-origin";
    static final String LOGIN_STATE = PREFIX + "login-state";

    /** Where the current password came from (stored as one byte). */
    enum PasswordOrigin {
        GENERATED(1), LABEL(2), FACTORY_RESET(3), USER(4);

        final byte code;

        PasswordOrigin(int code) {
            this.code = (byte) code;
        }

        static PasswordOrigin of(byte code) throws CorruptKeystoreException {
            for (PasswordOrigin o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            throw new CorruptKeystoreException("Unknown password origin " + code + ".");
        }
    }

    /** Checks a password against a stored hash; a test may construct this part with its own. */
    interface Verifier {
        boolean matches(char[] password, byte[] storedHash);
    }

    /** The default verifier ({@link PasswordHasher#matches}) and ticker ({@link System#nanoTime}). */
    static final class Defaults implements Verifier, LongSupplier {
        static final Defaults INSTANCE = new Defaults();

        @Override
        public boolean matches(char[] password, byte[] storedHash) {
            return PasswordHasher.matches(password, storedHash);
        }

        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    /** The login state at one moment, for the status. */
    static final class LoginSnapshot {
        final int failures;
        final int maxFailures;
        final boolean locked;
        final Optional<Duration> retry;
        final boolean initialPassword;
        final PasswordOrigin origin;

        LoginSnapshot(int failures, int maxFailures, boolean locked, Optional<Duration> retry, PasswordOrigin origin) {
            this.failures = failures;
            this.maxFailures = maxFailures;
            this.locked = locked;
            this.retry = retry;
            this.origin = origin;
            this.initialPassword = origin != PasswordOrigin.USER;
        }
    }

    private final Object lock = new Object();
    private final KeystoreSlice keystore;
    private final PasswordPolicy policy;
    private final LoginThrottle throttle;
    private final LongSupplier ticker;
    private final Verifier verifier;
    private final PasswordHasher hasher = PasswordHasher.DEFAULT;
    private final SecureRandom random;
    private final EventSink events;
    private final DeviceIdentity identity;
    private final String productName;
    /** Guarded by lock. */
    private char[] pendingPassword;
    /** The ticker value when the stored login state was written or loaded; its remaining wait counts from here. */
    private long loginAnchorNanos;

    PasswordPart(Keystore keystore, PasswordPolicy policy, LoginThrottle throttle, LongSupplier ticker, Verifier verifier,
            SecureRandom random, EventSink events, DeviceIdentity identity, String productName) {
        this.keystore = new KeystoreSlice(keystore, PREFIX);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.random = Objects.requireNonNull(random, "random");
        this.events = Objects.requireNonNull(events, "events");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.productName = Objects.requireNonNull(productName, "productName");
        // A stored throttle wait resumes from its stored remainder now: how long the device was off is unknown.
        this.loginAnchorNanos = ticker.getAsLong();
    }

    // ------------------------------------------------------------------ start and reset

    /** Whether the keystore holds a password hash and a login state (a device started before). */
    boolean stored() {
        return keystore.contains(PASSWORD) && keystore.contains(LOGIN_STATE);
    }

    /** A new random password of the label alphabet. */
    char[] generate() {
        return LabelPasswords.generate(random);
    }

    /** The Argon2id hash of {@code password}; the caller wipes it. */
    byte[] hash(char[] password) {
        return hasher.hash(password, random);
    }

    /** Writes a password hash, its origin and a clear login state into a batch the facade opened. */
    void write(Keystore.Editor batch, byte[] hash, PasswordOrigin origin) throws KeystoreException {
        Keystore.Editor ed = keystore.within(batch);
        ed.putSecret(PASSWORD, hash);
        ed.putSecret(PASSWORD_ORIGIN, new byte[] {origin.code});
        ed.putSecret(LOGIN_STATE, LoginState.CLEAR.encode());
    }

    /** Whether a factory reset keeps {@code name} (it rewrites all of this part's entries). */
    boolean keepsOnReset(String name) {
        return name.equals(PASSWORD) || name.equals(PASSWORD_ORIGIN) || name.equals(LOGIN_STATE);
    }

    /** After the first start wrote a generated password: keep it for {@link #takeInitialPassword()}. */
    void holdInitialPassword(char[] password) {
        synchronized (lock) {
            wipePending();
            pendingPassword = password;
        }
    }

    /** After a factory reset wrote a new password and cleared the login state. */
    void afterReset() {
        synchronized (lock) {
            wipePending();
            loginAnchorNanos = ticker.getAsLong();
        }
    }

    /**
     * Label rule, else the device's password policy with the record's serial number and the product name.
     *
     * @throws InvalidProvisioningRecordException with {@link Problem#WEAK_PASSWORD} when it meets neither
     */
    void checkRecordPassword(String serial, char[] password) throws InvalidProvisioningRecordException {
        if (LabelPasswords.meetsLabelRule(password)) {
            return;
        }
        List<String> context = new ArrayList<>();
        context.add(serial);
        context.add(productName);
        try {
            policy.check(password, context);
        } catch (PasswordRejectedException e) {
            throw new InvalidProvisioningRecordException(Problem.WEAK_PASSWORD, "the initial password meets neither "
                    + "the label rule (" + LabelPasswords.LENGTH + "+ characters of the " + LabelPasswords.ALPHABET_SIZE
                    + "-symbol label alphabet) nor the device's password policy (" + e.reason() + ")");
        }
    }

    // ------------------------------------------------------------------ the public operations

    /** See {@link DeviceSecurity#takeInitialPassword()}. */
    Optional<char[]> takeInitialPassword() {
        synchronized (lock) {
            char[] p = pendingPassword;
            pendingPassword = null;
            return Optional.ofNullable(p);
        }
    }

    /** See {@link DeviceSecurity#login(char[])}. */
    void login(char[] password) throws LoginException, IOException, KeystoreException {
        Objects.requireNonNull(password, "password");
        synchronized (lock) {
            String deviceId = identity.deviceId();
            LoginState state = loginState();
            if (state.failures() >= throttle.maxFailures()) {
                Log.LOG.warn("Refused login on locked device {} ({} consecutive failures)", deviceId, state.failures());
                loginEvent(SecurityEvent.Type.LOGIN_LOCKED, "locked", state.failures());
                throw new LoginLockedException(state.failures());
            }
            long now = ticker.getAsLong();
            long wait = remainingWaitNanos(state, now);
            if (wait > 0) {
                persistRemainderIfDue(state, now, wait);
                Duration retry = Duration.ofNanos(wait);
                Log.LOG.warn("Refused login on device {} during the throttle wait ({} consecutive failures, retry in {} s)",
                        deviceId, state.failures(), (retry.toMillis() + 999) / 1000);
                loginEvent(SecurityEvent.Type.LOGIN_LOCKED, "throttled", state.failures());
                throw new LoginThrottledException(state.failures(), retry);
            }
            int failures = state.failures() + 1;
            writeState(new LoginState(failures, throttle.delayAfter(failures).toMillis()), now);
            byte[] stored = keystore.secret(PASSWORD).orElseThrow(() -> new CorruptKeystoreException("password hash missing"));
            boolean ok;
            try {
                ok = verifier.matches(password, stored);
            } catch (IllegalArgumentException e) {
                throw new CorruptKeystoreException("The stored password hash is unreadable.");
            } finally {
                Arrays.fill(stored, (byte) 0);
            }
            if (ok) {
                writeState(LoginState.CLEAR, ticker.getAsLong());
                Log.LOG.debug("Successful login on device {}", deviceId);
                return;
            }
            if (failures >= throttle.maxFailures()) {
                Log.LOG.warn("Failed login on device {}: {} consecutive failures, login is now LOCKED until an unlock on "
                        + "physical presence or a factory reset", deviceId, failures);
                loginEvent(SecurityEvent.Type.LOGIN_FAILED, "wrong-password", failures);
                loginEvent(SecurityEvent.Type.LOGIN_LOCKED, "locked", failures);
                throw new LoginLockedException(failures);
            }
            Log.LOG.warn("Failed login on device {} ({} consecutive failures)", deviceId, failures);
            loginEvent(SecurityEvent.Type.LOGIN_FAILED, "wrong-password", failures);
            throw new WrongPasswordException(failures, throttle.maxFailures() - failures, throttle.delayAfter(failures));
        }
    }

    /** See {@link DeviceSecurity#changePassword}. */
    void changePassword(char[] current, char[] newPassword)
            throws LoginException, PasswordRejectedException, IOException, KeystoreException {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(newPassword, "newPassword");
        synchronized (lock) {
            login(current);
            try {
                policy.check(newPassword, contextWords());
            } catch (PasswordRejectedException e) {
                events.queue(SecurityEvent.Type.OTHER, Collections.singletonMap("detail",
                        "password change refused by the password policy"));
                throw e;
            }
            byte[] hash = hasher.hash(newPassword, random);
            try {
                keystore.batch(ed -> {
                    ed.putSecret(PASSWORD, hash);
                    ed.putSecret(PASSWORD_ORIGIN, new byte[] {PasswordOrigin.USER.code});
                });
            } finally {
                Arrays.fill(hash, (byte) 0);
            }
            wipePending();
            Log.LOG.info("Password of device {} changed by the user", identity.deviceId());
            events.queue(SecurityEvent.Type.PASSWORD_CHANGED, Collections.<String, String>emptyMap());
        }
    }

    /** See {@link DeviceSecurity#checkNewPassword}. */
    void checkNewPassword(char[] candidate) throws PasswordRejectedException {
        policy.check(candidate, contextWords());
    }

    /** See {@link DeviceSecurity#unlockLoginAfterPhysicalPresence()}: keeps the password and all data. */
    void unlockAfterPhysicalPresence() throws IOException, KeystoreException {
        synchronized (lock) {
            LoginState state = loginState();
            writeState(LoginState.CLEAR, ticker.getAsLong());
            boolean wasLocked = state.failures() >= throttle.maxFailures();
            Log.LOG.warn("Login of device {} unlocked on physical presence ({} consecutive failures cleared{}); "
                    + "password and personal data kept", identity.deviceId(), state.failures(), wasLocked ? ", was LOCKED" : "");
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("detail", "login unlocked on physical presence");
            attributes.put("previousConsecutiveFailures", Integer.toString(state.failures()));
            attributes.put("wasLocked", Boolean.toString(wasLocked));
            events.queue(SecurityEvent.Type.OTHER, attributes);
        }
    }

    // ------------------------------------------------------------------ state

    /** The stored login state. */
    LoginState loginState() throws KeystoreException {
        byte[] bytes = keystore.secret(LOGIN_STATE).orElseThrow(() -> new CorruptKeystoreException("login state missing"));
        try {
            return LoginState.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptKeystoreException("The stored login state is unreadable.");
        }
    }

    /** The login state and password origin now, for {@link DeviceSecurity#status()}. */
    LoginSnapshot snapshot() throws KeystoreException {
        synchronized (lock) {
            LoginState state = loginState();
            boolean locked = state.failures() >= throttle.maxFailures();
            Optional<Duration> retry = Optional.empty();
            if (!locked) {
                long nanos = remainingWaitNanos(state, ticker.getAsLong());
                retry = nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.<Duration>empty();
            }
            byte[] origin = keystore.secret(PASSWORD_ORIGIN).orElseThrow(
                    () -> new CorruptKeystoreException("password origin missing"));
            if (origin.length != 1) {
                throw new CorruptKeystoreException("password origin of " + origin.length + " bytes");
            }
            return new LoginSnapshot(state.failures(), throttle.maxFailures(), locked, retry, PasswordOrigin.of(origin[0]));
        }
    }

    /** Failures after which login locks. */
    int maxFailures() {
        return throttle.maxFailures();
    }

    /** Writes the login state and starts measuring its remaining wait from {@code ticks}. */
    private void writeState(LoginState state, long ticks) throws IOException, KeystoreException {
        keystore.putSecret(LOGIN_STATE, state.encode());
        loginAnchorNanos = ticks;
    }

    /**
     * The stored remainder (at most the full wait of the failure count, which also covers a state of the
     * old format and a throttle configured shorter since) minus the ticker time since it was written or
     * loaded by this process. Measured on the ticker (System.nanoTime), never on the wall clock.
     */
    private long remainingWaitNanos(LoginState state, long ticks) {
        Duration delay = throttle.delayAfter(state.failures());
        if (delay.isZero()) {
            return 0;
        }
        long stored = Math.min(state.remainingWaitMillis(), delay.toMillis());
        long elapsed = Math.max(0, ticks - loginAnchorNanos);
        return Math.max(0, TimeUnit.MILLISECONDS.toNanos(stored) - elapsed);
    }

    /**
     * On a refused attempt, stores the wait still to run once enough of it has passed (a tenth of the wait,
     * at least a second), so a restart resumes close to where the wait was; a restart never shortens it.
     * Not on every attempt: hammering during a wait must not wear out the flash.
     */
    private void persistRemainderIfDue(LoginState state, long ticks, long remainingNanos)
            throws IOException, KeystoreException {
        long delayNanos = throttle.delayAfter(state.failures()).toNanos();
        long step = Math.max(TimeUnit.SECONDS.toNanos(1), delayNanos / 10);
        if (ticks - loginAnchorNanos < step) {
            return;
        }
        long remainingMillis = (remainingNanos + 999_999) / 1_000_000;
        writeState(new LoginState(state.failures(), remainingMillis), ticks);
    }

    private List<String> contextWords() {
        List<String> words = new ArrayList<>();
        String deviceId = identity.deviceId();
        words.add(deviceId);
        words.add(deviceId.substring(Identity.DEVICE_ID_PREFIX.length()));
        identity.serialNumber().ifPresent(words::add);
        words.add(productName);
        return words;
    }

    private void loginEvent(SecurityEvent.Type type, String outcome, int failures) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("outcome", outcome);
        attributes.put("consecutiveFailures", Integer.toString(failures));
        events.queue(type, attributes);
    }

    /** Called with the lock held. */
    private void wipePending() {
        if (pendingPassword != null) {
            Arrays.fill(pendingPassword, '\0');
            pendingPassword = null;
        }
    }

    /** Wipes the initial password if it was not taken. */
    void close() {
        synchronized (lock) {
            wipePending();
        }
    }

    // ------------------------------------------------------------------ status and conformance

    /** The login lines of the health check. */
    void contributeLoginStatus(StatusFindings findings, LoginSnapshot s) {
        if (s.locked) {
            findings.problem("login", "Login locked after " + s.failures
                    + " failed attempts: unlock on physical presence (device.unlockLoginAfterPhysicalPresence(), keeps data)"
                    + " or factory reset (device.factoryReset(...))");
        } else if (s.failures > 0) {
            findings.action("login", s.failures + " failed login attempt(s) in a row");
        }
    }

    /** The password lines of the health check. */
    void contributePasswordStatus(StatusFindings findings, LoginSnapshot s) {
        if (s.initialPassword) {
            String which = s.origin == PasswordOrigin.LABEL ? "Initial password from the label (provisioning record)"
                    : s.origin == PasswordOrigin.FACTORY_RESET ? "Password set by the factory reset"
                    : "Initial password the device generated at its first start";
            findings.action("password", which + " still in use: change it with device.changePassword(...)");
        } else {
            findings.ok("password", "Password changed by the user");
        }
    }

    /** The login feature of the attack surface. */
    void contributeSurface(io.devsec.core.surface.AttackSurfaceReport.Builder b) {
        b.feature("login", "local password login, Argon2id hash, throttled, locks after " + throttle.maxFailures()
                + " failures");
    }

    /** The evidence of the password mechanisms, read from this part's keystore entries. */
    void contributeFacts(EvidenceSink sink) throws KeystoreException {
        synchronized (lock) {
            Optional<byte[]> hash = keystore.secret(PASSWORD);
            Optional<byte[]> origin = keystore.secret(PASSWORD_ORIGIN);
            if (hash.isPresent() && origin.isPresent() && origin.get().length == 1) {
                String from;
                switch (PasswordOrigin.of(origin.get()[0])) {
                    case USER:
                        from = "changed by the user after a per-device start value";
                        break;
                    case LABEL:
                        from = "generated per device at the factory for the label (provisioning record)";
                        break;
                    default:
                        from = "generated on this device at first start from SecureRandom";
                        break;
                }
                sink.add(Mechanism.PASSWORD_UNIQUE, Evidence.observed(Mechanism.PASSWORD_UNIQUE, true,
                        "the keystore holds this device's own password hash, " + from));
            } else {
                sink.add(Mechanism.PASSWORD_UNIQUE, Evidence.observed(Mechanism.PASSWORD_UNIQUE, false,
                        "no password hash with its origin in the keystore (entries " + PASSWORD + ", "
                                + PASSWORD_ORIGIN + ")"));
            }
            String phc = hash.isPresent() ? new String(hash.get(), StandardCharsets.US_ASCII) : "";
            if (hash.isPresent()) {
                Arrays.fill(hash.get(), (byte) 0);
            }
            if (phc.startsWith("$argon2id$v=19$m=")) {
                String params = phc.substring("$argon2id$v=19$".length()).split("\\$")[0];
                sink.add(Mechanism.PASSWORD_HASHING, Evidence.observed(Mechanism.PASSWORD_HASHING, true,
                        "stored password is an Argon2id hash (" + params + "), compared in constant time"));
            } else {
                sink.add(Mechanism.PASSWORD_HASHING, Evidence.observed(Mechanism.PASSWORD_HASHING, false,
                        hash.isPresent() ? "the stored password is not an Argon2id hash" : "no stored password hash"));
            }
            sink.add(Mechanism.PASSWORD_CHANGE, Evidence.configured(Mechanism.PASSWORD_CHANGE, true,
                    "DeviceSecurity.changePassword checks new passwords with " + policy));
            boolean persisted = keystore.contains(LOGIN_STATE);
            String text = "login throttled after " + throttle.freeFailures() + " free failure(s), delays "
                    + throttle.initialDelay() + " to " + throttle.maxDelay() + ", locked after "
                    + throttle.maxFailures() + " consecutive failures";
            sink.add(Mechanism.LOGIN_THROTTLE, persisted
                    ? Evidence.observed(Mechanism.LOGIN_THROTTLE, true, text + "; failure count persisted in the"
                            + " keystore (" + LOGIN_STATE + " present)")
                    : Evidence.configured(Mechanism.LOGIN_THROTTLE, true, text + "; no failure count in the"
                            + " keystore, so its persistence is not observed"));
            sink.add(Mechanism.FACTORY_RESET_PASSWORD, Evidence.notAssessed(Mechanism.FACTORY_RESET_PASSWORD,
                    "DeviceSecurity.factoryReset sets a new random password, but no reset was observed on this device;"
                            + " exercise it on a twin device"));
        }
    }
}
