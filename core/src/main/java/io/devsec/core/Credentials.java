package io.devsec.core;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.internal.Identity;
import io.devsec.core.internal.LoginState;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.CounterRollbackException;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local password of {@link DeviceSecurity} (provision 4.1): throttled login, password change and the
 * credential part of a factory reset. Every method takes the facade whose state it reads and writes, under
 * the facade's lock where the facade itself took it.
 */
final class Credentials {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSecurity.class);

    private Credentials() {}

    static void loginLocked(DeviceSecurity facade, char[] password) throws LoginException, IOException, KeystoreException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            Objects.requireNonNull(password, "password");
            LoginState state = loginState(facade);
            if (state.failures() >= facade.throttle.maxFailures()) {
                LOG.warn("Refused login on locked device {} ({} consecutive failures)", facade.deviceId, state.failures());
                loginEvent(facade, SecurityEvent.Type.LOGIN_LOCKED, "locked", state.failures());
                throw new LoginLockedException(state.failures());
            }
            long now = facade.ticker.getAsLong();
            long wait = remainingWaitNanos(facade, state, now);
            if (wait > 0) {
                persistRemainderIfDue(facade, state, now, wait);
                Duration retry = Duration.ofNanos(wait);
                LOG.warn("Refused login on device {} during the throttle wait ({} consecutive failures, retry in {} s)",
                        facade.deviceId, state.failures(), (retry.toMillis() + 999) / 1000);
                loginEvent(facade, SecurityEvent.Type.LOGIN_LOCKED, "throttled", state.failures());
                throw new LoginThrottledException(state.failures(), retry);
            }
            int failures = state.failures() + 1;
            writeState(facade, new LoginState(failures, facade.throttle.delayAfter(failures).toMillis()), now);
            byte[] stored = facade.keystore.secret(DeviceSecurity.PASSWORD).orElseThrow(() -> new CorruptKeystoreException("password hash missing"));
            boolean ok;
            try {
                ok = facade.verifier.matches(password, stored);
            } catch (IllegalArgumentException e) {
                throw new CorruptKeystoreException("The stored password hash is unreadable.");
            } finally {
                Arrays.fill(stored, (byte) 0);
            }
            if (ok) {
                writeState(facade, LoginState.CLEAR, facade.ticker.getAsLong());
                LOG.debug("Successful login on device {}", facade.deviceId);
                return;
            }
            if (failures >= facade.throttle.maxFailures()) {
                LOG.warn("Failed login on device {}: {} consecutive failures, login is now LOCKED until an unlock on "
                        + "physical presence or a factory reset",
                        facade.deviceId, failures);
                loginEvent(facade, SecurityEvent.Type.LOGIN_FAILED, "wrong-password", failures);
                loginEvent(facade, SecurityEvent.Type.LOGIN_LOCKED, "locked", failures);
                throw new LoginLockedException(failures);
            }
            LOG.warn("Failed login on device {} ({} consecutive failures)", facade.deviceId, failures);
            loginEvent(facade, SecurityEvent.Type.LOGIN_FAILED, "wrong-password", failures);
            throw new WrongPasswordException(failures, facade.throttle.maxFailures() - failures, facade.throttle.delayAfter(failures));
        }
    }

    static void changePasswordLocked(DeviceSecurity facade, char[] current, char[] newPassword)
            throws LoginException, PasswordRejectedException, IOException, KeystoreException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(newPassword, "newPassword");
            loginLocked(facade, current);
            try {
                facade.passwordPolicy.check(newPassword, contextWords(facade));
            } catch (PasswordRejectedException e) {
                facade.queueEvent(SecurityEvent.Type.OTHER, Collections.singletonMap("detail",
                        "password change refused by the password policy"));
                throw e;
            }
            byte[] hash = facade.hasher.hash(newPassword, facade.random);
            try {
                facade.keystore.batch(ed -> {
                    ed.putSecret(DeviceSecurity.PASSWORD, hash);
                    ed.putSecret(DeviceSecurity.PASSWORD_ORIGIN, new byte[] {DeviceSecurity.PasswordOrigin.USER.code});
                });
            } finally {
                Arrays.fill(hash, (byte) 0);
            }
            facade.wipePending();
            LOG.info("Password of device {} changed by the user", facade.deviceId);
            facade.queueEvent(SecurityEvent.Type.PASSWORD_CHANGED, Collections.<String, String>emptyMap());
        }
    }

    static char[] resetCredentials(DeviceSecurity facade, IdentityRotation rotation) throws IOException, KeystoreException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            char[] password = LabelPasswords.generate(facade.random);
            byte[] hash = facade.hasher.hash(password, facade.random);
            boolean rotate = rotation == IdentityRotation.ROTATE;
            KeyPair keys = rotate ? Identity.generateKeyPair(facade.random) : null;
            String newId = rotate ? Identity.deviceId(keys.getPublic()) : facade.deviceId;
            byte[] newCsr = rotate ? Identity.certificateSigningRequest(keys, newId, facade.serialNumber) : facade.csrDer;
            X509Certificate newCert = rotate
                    ? Identity.selfSignedCertificate(keys, newId, facade.serialNumber, facade.clock.instant(), facade.random) : null;
            Set<String> names = facade.keystore.names();
            try {
                facade.keystore.batch(ed -> {
                    for (String name : names) {
                        // The trusted update root stays: a reset must not take the device back to the shipped root.
                        // So do the installed metadata (firmware integrity) and the compromised mark.
                        if (name.equals(DeviceSecurity.KEY) || name.equals(DeviceSecurity.CSR) || name.equals(DeviceSecurity.SERIAL) || name.equals(DeviceSecurity.PASSWORD)
                                || name.equals(DeviceSecurity.PASSWORD_ORIGIN) || name.equals(DeviceSecurity.LOGIN_STATE) || name.equals(DeviceSecurity.UPDATE_ROOT)
                                || name.startsWith(DeviceSecurity.INSTALLED_METADATA) || name.equals(DeviceSecurity.COMPROMISED)
                                || name.equals(DeviceSecurity.BOOT_STATE_KEY)) {
                            continue;
                        }
                        try {
                            ed.delete(name);
                        } catch (CounterRollbackException counter) {
                            // a monotonic counter: kept on purpose (the storage API offers no type query)
                        }
                    }
                    ed.putSecret(DeviceSecurity.PASSWORD, hash);
                    ed.putSecret(DeviceSecurity.PASSWORD_ORIGIN, new byte[] {DeviceSecurity.PasswordOrigin.FACTORY_RESET.code});
                    ed.putSecret(DeviceSecurity.LOGIN_STATE, LoginState.CLEAR.encode());
                    if (rotate) {
                        ed.putPrivateKey(DeviceSecurity.KEY, keys.getPrivate(), Collections.singletonList(newCert));
                        ed.putSecret(DeviceSecurity.CSR, newCsr);
                    }
                });
            } catch (IOException | KeystoreException | RuntimeException e) {
                Arrays.fill(password, '\0');
                throw e;
            } finally {
                Arrays.fill(hash, (byte) 0);
            }
            facade.wipePending();
            facade.loginAnchorNanos = facade.ticker.getAsLong();
            String oldId = facade.deviceId;
            if (rotate) {
                facade.deviceId = newId;
                facade.publicKey = keys.getPublic();
                facade.chain = Collections.singletonList(newCert);
                facade.csrDer = newCsr;
                LOG.warn("Factory reset of device {}: identity rotated to {}, new password set", oldId, newId);
            } else {
                LOG.warn("Factory reset of device {}: user data wiped, new password set", facade.deviceId);
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("identity", rotate ? "rotated" : "kept");
            if (rotate) {
                attributes.put("previousDeviceId", oldId);
            }
            facade.queueEvent(SecurityEvent.Type.FACTORY_RESET, attributes);
            return password;
        }
    }

    static LoginState loginState(DeviceSecurity facade) throws KeystoreException {
        byte[] bytes = facade.keystore.secret(DeviceSecurity.LOGIN_STATE).orElseThrow(() -> new CorruptKeystoreException("login state missing"));
        try {
            return LoginState.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptKeystoreException("The stored login state is unreadable.");
        }
    }

    /**
     * Clears the failure count, the wait and the lock (for {@link DeviceSecurity#unlockLoginAfterPhysicalPresence()});
     * keeps the password, the identity and all personal data.
     */
    static void unlockAfterPhysicalPresence(DeviceSecurity facade) throws IOException, KeystoreException {
        synchronized (facade.lock()) {
            facade.ensureOpen();
            LoginState state = loginState(facade);
            writeState(facade, LoginState.CLEAR, facade.ticker.getAsLong());
            boolean wasLocked = state.failures() >= facade.throttle.maxFailures();
            LOG.warn("Login of device {} unlocked on physical presence ({} consecutive failures cleared{}); "
                    + "password and personal data kept", facade.deviceId, state.failures(), wasLocked ? ", was LOCKED" : "");
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("detail", "login unlocked on physical presence");
            attributes.put("previousConsecutiveFailures", Integer.toString(state.failures()));
            attributes.put("wasLocked", Boolean.toString(wasLocked));
            facade.queueEvent(SecurityEvent.Type.OTHER, attributes);
        }
    }

    /** Writes the login state and starts measuring its remaining wait from {@code ticks}. */
    private static void writeState(DeviceSecurity facade, LoginState state, long ticks) throws IOException, KeystoreException {
        facade.keystore.putSecret(DeviceSecurity.LOGIN_STATE, state.encode());
        facade.loginAnchorNanos = ticks;
    }

    /**
     * The wait still required before the next attempt; empty when none. Measured on the facade's ticker
     * (System.nanoTime) from the moment the state was written or loaded, never on the wall clock.
     */
    static Optional<Duration> remainingWait(DeviceSecurity facade, LoginState state) {
        long nanos = remainingWaitNanos(facade, state, facade.ticker.getAsLong());
        return nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.<Duration>empty();
    }

    /**
     * The stored remainder (at most the full wait of the failure count, which also covers a state of the
     * old format and a throttle configured shorter since) minus the ticker time since it was written or
     * loaded by this process.
     */
    private static long remainingWaitNanos(DeviceSecurity facade, LoginState state, long ticks) {
        Duration delay = facade.throttle.delayAfter(state.failures());
        if (delay.isZero()) {
            return 0;
        }
        long stored = Math.min(state.remainingWaitMillis(), delay.toMillis());
        long elapsed = Math.max(0, ticks - facade.loginAnchorNanos);
        return Math.max(0, TimeUnit.MILLISECONDS.toNanos(stored) - elapsed);
    }

    /**
     * On a refused attempt, stores the wait still to run once enough of it has passed (a tenth of the wait,
     * at least a second), so a restart resumes close to where the wait was; a restart never shortens it.
     * Not on every attempt: hammering during a wait must not wear out the flash.
     */
    private static void persistRemainderIfDue(DeviceSecurity facade, LoginState state, long ticks, long remainingNanos)
            throws IOException, KeystoreException {
        long delayNanos = facade.throttle.delayAfter(state.failures()).toNanos();
        long step = Math.max(TimeUnit.SECONDS.toNanos(1), delayNanos / 10);
        if (ticks - facade.loginAnchorNanos < step) {
            return;
        }
        long remainingMillis = (remainingNanos + 999_999) / 1_000_000;
        writeState(facade, new LoginState(state.failures(), remainingMillis), ticks);
    }

    static List<String> contextWords(DeviceSecurity facade) {
        List<String> words = new ArrayList<>();
        synchronized (facade.lock()) {
            words.add(facade.deviceId);
            words.add(facade.deviceId.substring(Identity.DEVICE_ID_PREFIX.length()));
            facade.serialNumber.ifPresent(words::add);
        }
        words.add(facade.productName);
        return words;
    }

    private static void loginEvent(DeviceSecurity facade, SecurityEvent.Type type, String outcome, int failures) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("outcome", outcome);
        attributes.put("consecutiveFailures", Integer.toString(failures));
        facade.queueEvent(type, attributes);
    }
}
