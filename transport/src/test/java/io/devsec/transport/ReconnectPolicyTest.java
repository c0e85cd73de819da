package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    @Test
    void default_isOneSecondInitialAndTwoMinuteCap() {
        assertThat(ReconnectPolicy.DEFAULT.initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReconnectPolicy.DEFAULT.maxDelay()).isEqualTo(Duration.ofSeconds(120));
        assertThat(ReconnectPolicy.DEFAULT.firstConnectJitter()).isPositive();
    }

    @Test
    void ceiling_doublesPerAttemptUpToTheCap() {
        ReconnectPolicy p = ReconnectPolicy.DEFAULT;
        assertThat(p.ceilingFor(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.ceilingFor(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.ceilingFor(6)).isEqualTo(Duration.ofSeconds(64));
        assertThat(p.ceilingFor(7)).isEqualTo(Duration.ofSeconds(120));
        assertThat(p.ceilingFor(1000)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void delay_isFullJitterUniformBetweenZeroAndCeiling() {
        Random r = new Random(12345);
        int n = 20_000;
        int[] buckets = new int[10];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Duration d = ReconnectPolicy.DEFAULT.delayFor(3, r);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(8));
            double s = d.toNanos() / 1e9;
            sum += s;
            buckets[(int) Math.min(9, s / 0.8)]++;
        }
        assertThat(sum / n).isCloseTo(4.0, within(0.1));
        for (int b : buckets) {
            assertThat(b).isBetween(n / 10 - 300, n / 10 + 300);
        }
    }

    @Test
    void delay_afterManyFailures_neverExceedsCapAndAveragesHalfOfIt() {
        Random r = new Random(7);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration d = ReconnectPolicy.DEFAULT.delayFor(40, r);
            assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(120));
            sum += d.toMillis();
        }
        assertThat(sum / 10_000).isCloseTo(60_000, within(2_000.0));
    }

    @Test
    void firstConnect_isSpreadOverTheJitterWindow() {
        ReconnectPolicy p = ReconnectPolicy.builder().firstConnectJitter(Duration.ofSeconds(10)).build();
        Random r = new Random(99);
        long below = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration d = p.firstConnectDelay(r);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(10));
            if (d.compareTo(Duration.ofSeconds(5)) < 0) {
                below++;
            }
        }
        assertThat(below).isBetween(4_700L, 5_300L);
        assertThat(ReconnectPolicy.builder().firstConnectJitter(Duration.ZERO).build().firstConnectDelay(r)).isZero();
    }

    @Test
    void firstReconnectAfterStableLoss_isSpreadOverTheReconnectJitter() {
        Random r = new Random(3);
        double sum = 0;
        long firstFifth = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration d = ReconnectPolicy.DEFAULT.firstReconnectDelay(r);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(20));
            sum += d.toMillis();
            if (d.compareTo(Duration.ofSeconds(4)) < 0) {
                firstFifth++;
            }
        }
        assertThat(ReconnectPolicy.DEFAULT.stableLossSpread()).isEqualTo(Duration.ofSeconds(20));
        assertThat(sum / 10_000).isCloseTo(10_000, within(300.0));
        assertThat(firstFifth).isBetween(1_800L, 2_200L);
        assertThat(ReconnectPolicy.DEFAULT.attemptAfterStableLoss()).isEqualTo(5); // ceiling 32 s > 20 s spread
        assertThat(ReconnectPolicy.DEFAULT.ceilingFor(ReconnectPolicy.DEFAULT.attemptAfterStableLoss()))
                .isGreaterThan(ReconnectPolicy.DEFAULT.stableLossSpread());
        ReconnectPolicy noJitter = ReconnectPolicy.builder().firstConnectJitter(Duration.ZERO).reconnectJitter(Duration.ZERO).build();
        assertThat(noJitter.attemptAfterStableLoss()).isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(noJitter.firstReconnectDelay(r)).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void stableLossSpread_isCappedAtMaxDelayButNeverBelowFirstConnectJitter() {
        ReconnectPolicy small = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(400))
                .firstConnectJitter(Duration.ZERO).build();
        assertThat(small.stableLossSpread()).isEqualTo(Duration.ofMillis(400));
        Random r = new Random(8);
        for (int i = 0; i < 1000; i++) {
            assertThat(small.firstReconnectDelay(r)).isBetween(Duration.ZERO, Duration.ofMillis(400));
        }
        ReconnectPolicy wideStart = ReconnectPolicy.builder().firstConnectJitter(Duration.ofSeconds(30))
                .reconnectJitter(Duration.ofSeconds(10)).build();
        assertThat(wideStart.stableLossSpread()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ReconnectPolicy.builder().reconnectJitter(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reconnectJitter");
    }

    @Test
    void delay_sameSeed_sameSequence() {
        Random a = new Random(5);
        Random b = new Random(5);
        for (int i = 0; i < 20; i++) {
            assertThat(ReconnectPolicy.DEFAULT.delayFor(i, a)).isEqualTo(ReconnectPolicy.DEFAULT.delayFor(i, b));
        }
    }

    @Test
    void builder_badValues_areRejectedNamingTheField() {
        assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Initial delay must be positive.");
        assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(5)).maxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Max delay");
        assertThatThrownBy(() -> ReconnectPolicy.builder().firstConnectJitter(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstConnectJitter");
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.ceilingFor(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void default_keepsTheRandomZeroToFiveSecondWaitBeforeTheFirstConnect() {
        assertThat(ReconnectPolicy.DEFAULT.firstConnectJitter()).isEqualTo(Duration.ofSeconds(5));
        Random r = new Random(7);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 1000; i++) {
            Duration d = ReconnectPolicy.DEFAULT.firstConnectDelay(r);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(5));
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        assertThat(longest).as("spread over the whole window").isGreaterThan(Duration.ofMillis(4500));
    }

    @Test
    void development_connectsAtOnceAndReconnectsWithinTheInitialDelay() {
        ReconnectPolicy dev = ReconnectPolicy.DEVELOPMENT;
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(dev.firstConnectDelay(r)).isZero();
            assertThat(dev.firstReconnectDelay(r)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(dev.firstConnectJitter()).isZero();
        assertThat(dev.stableLossSpread()).isEqualTo(Duration.ofSeconds(1));
        assertThat(dev.ceilingFor(10)).isEqualTo(Duration.ofSeconds(10));
        assertThat(dev.delayFor(3, r)).as("backoff still jittered and bounded").isLessThanOrEqualTo(Duration.ofSeconds(8));
    }
}
