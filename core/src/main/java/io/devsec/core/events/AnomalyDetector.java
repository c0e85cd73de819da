package io.devsec.core.events;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Watches the rate of each {@link SecurityEvent.Type} and raises a {@link SecurityAlert} when it
 * is anomalous, by the rules of {@link AnomalySettings}: a fixed threshold per window and a moving
 * (EWMA) baseline. Thread-safe. Starts no thread: it evaluates on each {@link #record} and on
 * {@link #tick()}, with time from the injected {@link Clock} (not from the events, whose clocks
 * the detector does not trust).
 *
 * <p>{@link SecurityEvents} runs one for you; use this class directly only to watch another stream.
 */
public final class AnomalyDetector {
    private static final SecurityEvent.Type[] TYPES = SecurityEvent.Type.values();

    private final AnomalySettings settings;
    private final Clock clock;
    private final long windowMillis;
    private final long[] counts = new long[TYPES.length];
    private final double[] baselines = new double[TYPES.length];
    private final boolean[] thresholdRaised = new boolean[TYPES.length];
    private final boolean[] baselineRaised = new boolean[TYPES.length];
    private long windowIndex;
    private long windowsPassed;

    private AnomalyDetector(AnomalySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.windowMillis = settings.window().toMillis();
        this.windowIndex = Math.floorDiv(clock.millis(), windowMillis);
    }

    /** A detector whose first window is the one holding {@code clock}'s current instant. */
    public static AnomalyDetector create(AnomalySettings settings, Clock clock) {
        return new AnomalyDetector(Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"));
    }

    /** The settings. */
    public AnomalySettings settings() {
        return settings;
    }

    /**
     * Counts {@code event} in the current window and returns the alerts it raises (usually none;
     * at most one per rule, type and window). Closes windows that have ended first.
     */
    public synchronized List<SecurityAlert> record(SecurityEvent event) {
        Objects.requireNonNull(event, "event");
        Instant now = roll();
        int t = event.type().ordinal();
        counts[t]++;
        return evaluate(t, now, new ArrayList<>(1));
    }

    /**
     * Closes windows that have ended (so baselines decay through quiet periods) and evaluates the
     * current window again; returns the alerts raised (normally none: {@link #record} raises them as
     * soon as a count crosses a limit). Call it periodically if you read {@link #baseline}.
     */
    public synchronized List<SecurityAlert> tick() {
        Instant now = roll();
        List<SecurityAlert> out = new ArrayList<>(0);
        for (int t = 0; t < TYPES.length; t++) {
            evaluate(t, now, out);
        }
        return out.isEmpty() ? Collections.emptyList() : out;
    }

    /** The moving baseline of {@code type}, in events per window, as of the last closed window. */
    public synchronized double baseline(SecurityEvent.Type type) {
        roll();
        return baselines[type.ordinal()];
    }

    /** Events of {@code type} counted so far in the current window. */
    public synchronized long currentCount(SecurityEvent.Type type) {
        roll();
        return counts[type.ordinal()];
    }

    /** Start of the current window. */
    public synchronized Instant currentWindowStart() {
        roll();
        return Instant.ofEpochMilli(windowIndex * windowMillis);
    }

    private List<SecurityAlert> evaluate(int t, Instant now, List<SecurityAlert> out) {
        SecurityEvent.Type type = TYPES[t];
        long count = counts[t];
        Severity severity = type.defaultSeverity() == Severity.CRITICAL ? Severity.CRITICAL : Severity.WARNING;
        Instant start = Instant.ofEpochMilli(windowIndex * windowMillis);
        OptionalLong threshold = settings.threshold(type);
        if (!thresholdRaised[t] && threshold.isPresent() && count > threshold.getAsLong()) {
            thresholdRaised[t] = true;
            out.add(new SecurityAlert(type, SecurityAlert.Trigger.FIXED_THRESHOLD, severity, now, start,
                    settings.window(), count, threshold.getAsLong(), baselines[t]));
        }
        double limit = settings.baselineMultiplier() * baselines[t] + settings.baselineFloor();
        if (!baselineRaised[t] && windowsPassed >= settings.warmupWindows() && count > limit) {
            baselineRaised[t] = true;
            out.add(new SecurityAlert(type, SecurityAlert.Trigger.BASELINE_EXCEEDED, severity, now, start,
                    settings.window(), count, limit, baselines[t]));
        }
        return out;
    }

    /** Moves to the window holding the clock's instant; a clock that goes back stays in the current window. */
    private Instant roll() {
        Instant now = clock.instant();
        long index = Math.floorDiv(now.toEpochMilli(), windowMillis);
        if (index <= windowIndex) {
            return now;
        }
        long passed = index - windowIndex;
        double w = settings.ewmaWeight();
        double emptyDecay = Math.pow(1 - w, (double) (passed - 1));
        for (int t = 0; t < TYPES.length; t++) {
            double b = w * counts[t] + (1 - w) * baselines[t];
            b *= emptyDecay;
            baselines[t] = b < 1e-9 ? 0 : b;
            counts[t] = 0;
            thresholdRaised[t] = false;
            baselineRaised[t] = false;
        }
        windowIndex = index;
        windowsPassed = windowsPassed + passed < 0 ? Long.MAX_VALUE : windowsPassed + passed;
        return now;
    }
}
