package io.devsec.core;

/**
 * The application's check that a freshly installed version works (it reaches its cloud, its sensors
 * answer, ...). {@link DeviceSecurity#startUpdates(UpdateSettings)} runs it once when a version on
 * trial starts: passing confirms the version (and raises the rollback floor); failing leaves it
 * unconfirmed, so the {@link io.devsec.update.TrialPolicy} rolls back to the last confirmed version by
 * itself, at a later start or when the trial time runs out.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Returns when the running version is healthy; throws (any exception) when it is not. */
    void check() throws Exception;
}
