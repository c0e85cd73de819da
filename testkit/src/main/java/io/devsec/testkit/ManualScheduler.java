package io.devsec.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} whose tasks run only when the test says so, on the test's thread, at the time
 * of a {@link ManualClock}: {@link #runDue()} runs what is due now, {@link #advance(Duration)} moves the clock task by
 * task and runs each at its time. So a test proves that something did <em>not</em> happen by running every task
 * due up to a time and then looking, with no wait and no timeout. Periodic tasks ({@code scheduleAtFixedRate},
 * {@code scheduleWithFixedDelay}) are rescheduled after each run; an exception cancels them, as in the JDK.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualClock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private volatile boolean shutdown;

    /**
     * A scheduler on {@code clock}'s time.
     *
     * @param clock the clock; the test may also move it directly and then call {@link #runDue()}
     */
    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    /** @return the clock this scheduler reads */
    public ManualClock clock() {
        return clock;
    }

    /**
     * Runs, on this thread, every task due at the clock's time, including tasks they schedule that are due too;
     * the clock does not move.
     *
     * @return how many tasks ran
     */
    public int runDue() {
        int ran = 0;
        Task<?> t;
        while ((t = pollDue(clock.instant())) != null) {
            t.runScheduled();
            ran++;
        }
        return ran;
    }

    /**
     * Moves the clock forward by {@code d}, stopping at each task's time (in time order, then submission order) to
     * run it; the clock ends at its time plus {@code d}.
     *
     * @param d how far
     * @return how many tasks ran
     */
    public int advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative: " + d);
        }
        Instant target = clock.instant().plus(d);
        int ran = 0;
        Task<?> t;
        while ((t = pollDue(target)) != null) {
            if (t.due.isAfter(clock.instant())) {
                clock.set(t.due);
            }
            t.runScheduled();
            ran++;
        }
        clock.set(target);
        return ran;
    }

    /** @return how many tasks wait (not cancelled) */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }

    /** @return when the next waiting task is due, if any */
    public synchronized Optional<Instant> nextDue() {
        return queue.stream().filter(t -> !t.isCancelled()).map(t -> t.due).min(Instant::compareTo);
    }

    private synchronized Task<?> pollDue(Instant until) {
        while (!queue.isEmpty()) {
            Task<?> head = queue.peek();
            if (head.isCancelled()) {
                queue.poll();
                continue;
            }
            if (head.due.isAfter(until)) {
                return null;
            }
            return queue.poll();
        }
        return null;
    }

    private synchronized <V> Task<V> enqueue(Task<V> t) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        queue.add(t);
        return t;
    }

    private Instant after(long delay, TimeUnit unit) {
        return clock.instant().plusNanos(Math.max(0, unit.toNanos(delay)));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), after(delay, unit), 0, false));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, after(delay, unit), 0, false));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period " + period);
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), after(initialDelay, unit), unit.toNanos(period), true));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay " + delay);
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), after(initialDelay, unit), unit.toNanos(delay), false));
    }

    /** Queues {@code command} to run at the clock's current time (at the next {@link #runDue()}). */
    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    /** Nothing runs by itself: returns at once whether the scheduler is terminated. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final long seq = sequence.incrementAndGet();
        private final long periodNanos;
        private final boolean fixedRate;
        private volatile Instant due;

        Task(Callable<V> callable, Instant due, long periodNanos, boolean fixedRate) {
            super(callable);
            this.due = due;
            this.periodNanos = periodNanos;
            this.fixedRate = fixedRate;
        }

        void runScheduled() {
            if (periodNanos == 0) {
                run();
                return;
            }
            if (runAndReset()) {
                due = (fixedRate ? due : clock.instant()).plusNanos(periodNanos);
                synchronized (ManualScheduler.this) {
                    if (!shutdown && !isCancelled()) {
                        queue.add(this);
                    }
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            if (o instanceof Task<?> t) {
                int c = due.compareTo(t.due);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
