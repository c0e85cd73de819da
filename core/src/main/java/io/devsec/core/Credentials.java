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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
        synchronized (facade) {
            facade.ensureOpen();
            Objects.requireNonNull(password, "password");
            LoginState state = loginState(facade);
            if (state.failures() >= facade.throttle.maxFailures()) {
                LOG.warn("Refused login on locked device {} ({} consecutive failures)", facade.deviceId, state.failures());
                loginEvent(facade, SecurityEvent.Type.LOGIN_LOCKED, "locked", state.failures());
                throw new LoginLockedException(state.failures());
            }
            Instant now = facade.clock.instant();
            Optional<Duration> wait = remainingWait(facade, state, now);
            if (wait.isPresent()) {
                LOG.warn("Refused login on device {} during the throttle wait ({} consecutive failures, retry in {} s)",
                        facade.deviceId, state.failures(), wait.get().getSeconds());
                loginEvent(facade, SecurityEvent.Type.LOGIN_LOCKED, "throttled", state.failures());
                throw new LoginThrottledException(state.failures(), wait.get());
            }
            int failures = state.failures() + 1;
            facade.keystore.putSecret(DeviceSecurity.LOGIN_STATE, new LoginState(failures, now).encode());
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
                facade.keystore.putSecret(DeviceSecurity.LOGIN_STATE, LoginState.CLEAR.encode());
                LOG.debug("Successful login on device {}", facade.deviceId);
                return;
            }
            if (failures >= facade.throttle.maxFailures()) {
                LOG.warn("Failed login on device {}: {} consecutive failures, login is now LOCKED until a factory reset",
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
        synchronized (facade) {
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
        synchronized (facade) {
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
     * The wait still required before the next attempt; empty when none. When the clock has gone back
     * before the last failure, the full wait counts from now (it never grows beyond one delay).
     */
    static Optional<Duration> remainingWait(DeviceSecurity facade, LoginState state, Instant now) {
        Duration delay = facade.throttle.delayAfter(state.failures());
        if (delay.isZero()) {
            return Optional.empty();
        }
        Duration remaining = Duration.between(now, state.lastFailure().plus(delay));
        if (remaining.compareTo(delay) > 0) {
            remaining = delay;
        }
        return remaining.isNegative() || remaining.isZero() ? Optional.empty() : Optional.of(remaining);
    }

    static List<String> contextWords(DeviceSecurity facade) {
        List<String> words = new ArrayList<>();
        synchronized (facade) {
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
