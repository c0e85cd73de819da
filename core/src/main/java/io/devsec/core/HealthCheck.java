package io.devsec.core;

/**
 * The application's check that a freshly installed version works (it reaches its cloud, its sensors
 * answer, ...). {@link DeviceSecurity#startUpdates(UpdateSettings)} runs it once when a version on
 * trial starts: passing confirms the version (and raises the rollback floor); failing rolls it back at
 * once (not after the trial's remaining starts): the restart hook runs and the confirmed version runs
 * from the next start. The exception's class and message are the reason in the log and in the
 * {@code UPDATE_ROLLED_BACK} event: put no secret in them.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Returns when the running version is healthy; throws (any exception) when it is not. */
    void check() throws Exception;
}
