package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEvents;
import io.devsec.core.privacy.ConsentState;
import io.devsec.core.privacy.Purpose;
import io.devsec.storage.Keystore;
import io.devsec.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginThrottlingTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-15T10:00:00Z"));
    /** The process's elapsed-time source (System.nanoTime in production); starts anywhere, as nanoTime does. */
    final AtomicLong ticks = new AtomicLong(-7_000_000_000_000L);
    static final Purpose LOCATION = DeviceBaselineTest.LOCATION;
    static final char[] WRONG = "definitely not the password".toCharArray();

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Lock").clock(clock)
                .ticker(ticks::get);
    }

    /** Time passes for the device (the wall clock too, as it does when nobody touches it). */
    /** The password part on its own, as the facade builds it, with the test's ticker and {@code verifier}. */
    PasswordPart passwordPart(Keystore ks, LoginThrottle throttle, PasswordPart.Verifier verifier) {
        DeviceIdentity identity = new DeviceIdentity() {
            @Override
            public String deviceId() {
                return "ds-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
            }

            @Override
            public java.util.Optional<String> serialNumber() {
                return java.util.Optional.empty();
            }

            @Override
            public io.devsec.transport.TlsIdentity tlsIdentity() {
                throw new UnsupportedOperationException("no TLS in this test");
            }
        };
        return new PasswordPart(ks, PasswordPolicy.DEFAULT, throttle, ticks::get, verifier, new java.security.SecureRandom(),
                (type, attributes) -> { }, identity, "Acme Lock");
    }

    void elapse(Duration d) {
        ticks.addAndGet(d.toNanos());
        clock.advance(d);
    }

    /** A reboot: the process's nanosecond counter starts again from an unrelated value. */
    void reboot() {
        ticks.set(123_456_789L);
    }

    @Test
    void login_firstFiveFailures_needNoWaitThenWaitDoubles() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            for (int i = 1; i <= 4; i++) {
                int expected = i;
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class, e -> {
                    assertThat(e.consecutiveFailures()).isEqualTo(expected);
                    assertThat(e.remainingAttempts()).isEqualTo(100 - expected);
                    assertThat(e.nextAttemptDelay()).isZero();
                });
            }
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class,
                    e -> assertThat(e.nextAttemptDelay()).isEqualTo(Duration.ofSeconds(1)));
            // inside the wait: refused without checking, not counted
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class, e -> {
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                assertThat(e.consecutiveFailures()).isEqualTo(5);
            });
            elapse(Duration.ofMillis(400));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(600)));
            assertThat(device.status().loginRetryAfter()).contains(Duration.ofMillis(600));
            elapse(Duration.ofMillis(600));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class,
                    e -> assertThat(e.nextAttemptDelay()).isEqualTo(Duration.ofSeconds(2)));
            elapse(Duration.ofMillis(1999));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(LoginThrottledException.class);
            elapse(Duration.ofMillis(1));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class,
                    e -> assertThat(e.nextAttemptDelay()).isEqualTo(Duration.ofSeconds(4)));
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(7);
        }
    }

    @Test
    void login_correctPasswordAfterFailures_resetsCounter() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            char[] password = device.takeInitialPassword().orElseThrow();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            }
            device.login(password);
            assertThat(device.status().consecutiveFailedLogins()).isZero();
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class,
                    e -> assertThat(e.consecutiveFailures()).isEqualTo(1));
        }
    }

    @Test
    void login_correctPasswordInsideWait_isStillRefused() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            char[] password = device.takeInitialPassword().orElseThrow();
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            }
            assertThatThrownBy(() -> device.login(password)).isInstanceOf(LoginThrottledException.class);
            elapse(Duration.ofSeconds(1));
            device.login(password);
        }
    }

    @Test
    void login_failuresAndWait_surviveRestart() throws Exception {
        char[] password;
        try (DeviceSecurity device = builder().build()) {
            password = device.takeInitialPassword().orElseThrow();
            for (int i = 0; i < 6; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
                elapse(Duration.ofMinutes(1));
            }
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
        }
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(7);
            assertThatThrownBy(() -> device.login(password)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(4)));
        }
    }

    @Test
    void login_clockSetBack_waitNeverExceedsOneDelay() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            }
            clock.advance(Duration.ofDays(-365));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        }
    }

    @Test
    void login_hundredConsecutiveFailures_locksUntilFactoryResetAcrossRestarts() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            for (int i = 1; i < 100; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
                elapse(Duration.ofHours(1));
            }
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginLockedException.class,
                    e -> assertThat(e.consecutiveFailures()).isEqualTo(100));
            assertThat(device.status().loginLocked()).isTrue();
        }
        try (DeviceSecurity device = builder().build()) {
            elapse(Duration.ofDays(3650));
            assertThat(device.status().loginLocked()).isTrue();
            assertThat(device.status().toText()).contains("LOCKED");
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(LoginLockedException.class);
            char[] fresh = device.factoryReset(IdentityRotation.KEEP).password();
            assertThat(device.status().loginLocked()).isFalse();
            assertThat(device.status().consecutiveFailedLogins()).isZero();
            device.login(fresh);
        }
    }

    @Test
    void login_crashInsidePasswordCheck_failureIsAlreadyPersisted() throws Exception {
        char[] password;
        try (DeviceSecurity device = builder().build()) {
            password = device.takeInitialPassword().orElseThrow();
        }
        AtomicInteger seenDuringCheck = new AtomicInteger(-1);
        // The part under test, over the device's keystore, with a hash check that dies half-way.
        try (Keystore ks = DeviceKeystore.open(dir.resolve("data"))) {
            PasswordPart[] holder = new PasswordPart[1];
            PasswordPart crashing = passwordPart(ks, LoginThrottle.DEFAULT, (pw, stored) -> {
                try {
                    seenDuringCheck.set(holder[0].loginState().failures());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                throw new IllegalStateException("simulated power cut inside the password check");
            });
            holder[0] = crashing;
            assertThatThrownBy(() -> crashing.login(password)).hasMessageContaining("simulated power cut");
        }
        assertThat(seenDuringCheck.get()).as("failure recorded before the check ran").isEqualTo(1);
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(1);
            device.login(password);
            assertThat(device.status().consecutiveFailedLogins()).isZero();
        }
    }

    // ---- 9.5: waits an attacker cannot clock away; unlock on physical presence keeps the owner's data

    /** Five failures: the next attempt must wait 1 s. */
    void failFiveTimes(DeviceSecurity device) {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
        }
    }

    @Test
    void login_wallClockMovedForward_doesNotShortenWait() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            char[] password = device.takeInitialPassword().orElseThrow();
            failFiveTimes(device);
            clock.advance(Duration.ofDays(1)); // NTP step or a settable RTC moved forward; no time has passed
            assertThatThrownBy(() -> device.login(password)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
            assertThat(device.status().loginRetryAfter()).contains(Duration.ofSeconds(1));
            ticks.addAndGet(Duration.ofSeconds(1).toNanos());
            device.login(password);
        }
    }

    @Test
    void login_wallClockMovedBack_doesNotLengthenWait() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            failFiveTimes(device);
            ticks.addAndGet(Duration.ofMillis(400).toNanos());
            clock.advance(Duration.ofHours(-5));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(600)));
            clock.advance(Duration.ofDays(-400));
            ticks.addAndGet(Duration.ofMillis(600).toNanos());
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
        }
    }

    @Test
    void login_wallClockJumpsAcrossRestart_persistedRemainderStillApplies() throws Exception {
        LoginThrottle slow = LoginThrottle.builder().freeFailures(0).initialDelay(Duration.ofMinutes(15)).build();
        try (DeviceSecurity device = builder().loginThrottle(slow).build()) {
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            ticks.addAndGet(Duration.ofMinutes(10).toNanos());
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(5)));
        }
        reboot();
        clock.advance(Duration.ofDays(30)); // the RTC came back wrong, or an attacker set it
        try (DeviceSecurity device = builder().loginThrottle(slow).build()) {
            assertThat(device.status().loginRetryAfter()).as("restarts from the persisted remainder")
                    .contains(Duration.ofMinutes(5));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(5)));
            ticks.addAndGet(Duration.ofMinutes(5).toNanos());
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
        }
    }

    @Test
    void login_restartDuringWait_neverShortensIt() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            failFiveTimes(device);
            ticks.addAndGet(Duration.ofMillis(300).toNanos());
        }
        reboot();
        try (DeviceSecurity device = builder().build()) {
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isBetween(Duration.ofMillis(700), Duration.ofSeconds(1)));
        }
    }

    @Test
    void login_hammeringDuringWait_persistsTheRemainderOnlyNowAndThen() throws Exception {
        LoginThrottle slow = LoginThrottle.builder().freeFailures(0).initialDelay(Duration.ofMinutes(15)).build();
        try (DeviceSecurity device = builder().loginThrottle(slow).build()) {
            device.takeInitialPassword();
        }
        // The password part alone, over the device's keystore, so the test can watch the entry it writes.
        try (Keystore ks = DeviceKeystore.open(dir.resolve("data"))) {
            PasswordPart part = passwordPart(ks, slow, PasswordPart.Defaults.INSTANCE);
            assertThatThrownBy(() -> part.login(WRONG)).isInstanceOf(WrongPasswordException.class);
            long writes = 0;
            byte[] last = ks.secret(PasswordPart.LOGIN_STATE).orElseThrow();
            for (int i = 0; i < 1000; i++) {
                ticks.addAndGet(Duration.ofMillis(100).toNanos());
                assertThatThrownBy(() -> part.login(WRONG)).isInstanceOf(LoginThrottledException.class);
                byte[] now = ks.secret(PasswordPart.LOGIN_STATE).orElseThrow();
                if (!java.util.Arrays.equals(now, last)) {
                    writes++;
                    last = now;
                }
            }
            assertThat(writes).as("100 s of refused attempts every 100 ms").isBetween(1L, 2L);
        }
    }

    @Test
    void unlockLoginAfterPhysicalPresence_lockedDevice_keepsPasswordAndPersonalData() throws Exception {
        SecurityEvents events = SecurityEvents.builder().clock(clock).build();
        char[] password;
        try (DeviceSecurity device = builder().securityEvents(events).purposes(LOCATION).build()) {
            password = device.takeInitialPassword().orElseThrow();
            device.consents().orElseThrow().grant("location");
            device.personalData().put("profile", "Alice, kitchen".getBytes(StandardCharsets.UTF_8));
            for (int i = 1; i < 100; i++) {
                assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(WrongPasswordException.class);
                elapse(Duration.ofHours(1));
            }
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(LoginLockedException.class);
        }
        reboot();
        try (DeviceSecurity device = builder().securityEvents(events).purposes(LOCATION).build()) {
            assertThatThrownBy(() -> device.login(password)).isInstanceOf(LoginLockedException.class);
            String id = device.deviceId();
            device.unlockLoginAfterPhysicalPresence();
            assertThat(device.status().loginLocked()).isFalse();
            assertThat(device.status().consecutiveFailedLogins()).isZero();
            device.login(password);
            assertThat(device.deviceId()).isEqualTo(id);
            assertThat(device.personalData().get("profile")).hasValueSatisfying(
                    v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("Alice, kitchen"));
            assertThat(device.consents().orElseThrow().state("location")).isEqualTo(ConsentState.GRANTED);
            assertThat(events.recentEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(SecurityEvent.Type.OTHER);
                assertThat(e.attributes()).containsEntry("detail", "login unlocked on physical presence")
                        .containsEntry("previousConsecutiveFailures", "100");
            });
        }
        try (DeviceSecurity device = builder().purposes(LOCATION).build()) {
            assertThat(device.status().loginLocked()).as("the unlock is durable").isFalse();
            device.login(password);
        }
    }

    @Test
    void login_stateStoredByOlderVersion_resumesWithTheFullWait() throws Exception {
        try (DeviceSecurity device = builder().build()) {
            device.takeInitialPassword();
        }
        byte[] format1 = java.nio.ByteBuffer.allocate(13).put((byte) 1).putInt(6)
                .putLong(clock.instant().minus(Duration.ofDays(1)).toEpochMilli()).array();
        DeviceKeystore.edit(dir.resolve("data"), ed -> ed.putSecret(PasswordPart.LOGIN_STATE, format1));
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(6);
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        }
    }

    @Test
    void throttle_builder_validatesAndNamesField() {
        assertThatThrownBy(() -> LoginThrottle.builder().maxFailures(101).build()).hasMessageContaining("maxFailures");
        assertThatThrownBy(() -> LoginThrottle.builder().initialDelay(Duration.ZERO).build()).hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> LoginThrottle.builder().maxDelay(Duration.ofDays(2)).build()).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> LoginThrottle.builder().freeFailures(-1).build()).hasMessageContaining("freeFailures");
        assertThat(LoginThrottle.DEFAULT.delayAfter(4)).isZero();
        assertThat(LoginThrottle.DEFAULT.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LoginThrottle.DEFAULT.delayAfter(14)).isEqualTo(Duration.ofSeconds(512));
        assertThat(LoginThrottle.DEFAULT.delayAfter(15)).isEqualTo(Duration.ofMinutes(15));
        assertThat(LoginThrottle.DEFAULT.delayAfter(99)).isEqualTo(Duration.ofMinutes(15));
    }
}
