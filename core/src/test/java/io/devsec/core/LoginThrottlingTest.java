package io.devsec.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginThrottlingTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
    static final char[] WRONG = "definitely not the password".toCharArray();

    DeviceSecurity.Builder builder() {
        return DeviceSecurity.builder().dataFolder(dir.resolve("data")).productName("Acme Lock").clock(clock);
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
            clock.advance(Duration.ofMillis(400));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginThrottledException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(600)));
            assertThat(device.status().loginRetryAfter()).contains(Duration.ofMillis(600));
            clock.advance(Duration.ofMillis(600));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(WrongPasswordException.class,
                    e -> assertThat(e.nextAttemptDelay()).isEqualTo(Duration.ofSeconds(2)));
            clock.advance(Duration.ofMillis(1999));
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(LoginThrottledException.class);
            clock.advance(Duration.ofMillis(1));
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
            clock.advance(Duration.ofSeconds(1));
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
                clock.advance(Duration.ofMinutes(1));
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
                clock.advance(Duration.ofHours(1));
            }
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOfSatisfying(LoginLockedException.class,
                    e -> assertThat(e.consecutiveFailures()).isEqualTo(100));
            assertThat(device.status().loginLocked()).isTrue();
        }
        try (DeviceSecurity device = builder().build()) {
            clock.advance(Duration.ofDays(3650));
            assertThat(device.status().loginLocked()).isTrue();
            assertThat(device.status().toText()).contains("LOCKED");
            assertThatThrownBy(() -> device.login(WRONG)).isInstanceOf(LoginLockedException.class);
            char[] fresh = device.factoryReset(IdentityRotation.KEEP);
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
        DeviceSecurity[] holder = new DeviceSecurity[1];
        DeviceSecurity crashing = builder().verifier((pw, stored) -> {
            try {
                seenDuringCheck.set(holder[0].status().consecutiveFailedLogins());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            throw new IllegalStateException("simulated power cut inside the password check");
        }).build();
        holder[0] = crashing;
        assertThatThrownBy(() -> crashing.login(password)).hasMessageContaining("simulated power cut");
        crashing.close();
        assertThat(seenDuringCheck.get()).as("failure recorded before the check ran").isEqualTo(1);
        try (DeviceSecurity device = builder().build()) {
            assertThat(device.status().consecutiveFailedLogins()).isEqualTo(1);
            device.login(password);
            assertThat(device.status().consecutiveFailedLogins()).isZero();
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
