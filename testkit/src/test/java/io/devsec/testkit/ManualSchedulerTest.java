package io.devsec.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
    final ManualClock clock = ManualClock.at("2026-01-01T00:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void advance_runsEachTaskAtItsTimeInOrder_andNothingBefore() {
        scheduler.schedule(() -> ran.add("b@" + clock.instant()), 20, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> ran.add("a@" + clock.instant()), 10, TimeUnit.MILLISECONDS);
        assertThat(scheduler.advance(Duration.ofMillis(9))).isZero();
        assertThat(ran).isEmpty();
        assertThat(scheduler.advance(Duration.ofMillis(11))).isEqualTo(2);
        assertThat(ran).containsExactly("a@2026-01-01T00:00:00.010Z", "b@2026-01-01T00:00:00.020Z");
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00.020Z"));
    }

    @Test
    void periodicTask_runsOncePerPeriod_untilCancelled() {
        ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> ran.add("tick"), 0, 1, TimeUnit.SECONDS);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(scheduler.advance(Duration.ofSeconds(3))).isEqualTo(3);
        f.cancel(false);
        assertThat(scheduler.advance(Duration.ofSeconds(10))).isZero();
        assertThat(ran).hasSize(4);
    }

    @Test
    void taskSchedulingATask_runsBothWhenDue_movingTheClockByHandThenRunDue() {
        scheduler.schedule(() -> {
            ran.add("first");
            scheduler.schedule(() -> ran.add("second"), 5, TimeUnit.MINUTES);
        }, 1, TimeUnit.MINUTES);
        clock.advance(Duration.ofHours(1));
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(scheduler.pending()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(5));
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(ran).containsExactly("first", "second");
        assertThat(scheduler.nextDue()).isEmpty();
    }
}
