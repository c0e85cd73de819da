package io.devsec.transport;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fate of one publish. For QoS 1 the message is already safe in the outbox when the caller
 * gets this; {@link #await} waits for the broker's acknowledgement, which may come after any
 * number of reconnects.
 */
public final class Delivery {
    private final long sequence;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile PublishRefusedException refusal;
    private final java.util.List<Runnable> callbacks = new java.util.ArrayList<>();

    Delivery(long sequence) {
        this.sequence = sequence;
    }

    static Delivery completed(long sequence) {
        Delivery d = new Delivery(sequence);
        d.done.countDown();
        return d;
    }

    void succeed() {
        finish();
    }

    void refuse(PublishRefusedException e) {
        refusal = e;
        finish();
    }

    private void finish() {
        java.util.List<Runnable> run;
        synchronized (callbacks) {
            done.countDown();
            run = new java.util.ArrayList<>(callbacks);
            callbacks.clear();
        }
        for (Runnable r : run) {
            r.run();
        }
    }

    /**
     * Runs {@code action} once the broker acknowledged or refused the message: at once on this
     * thread if that already happened, otherwise on DevSec's MQTT thread (keep it short).
     *
     * @param action what to run
     */
    public void whenDone(Runnable action) {
        java.util.Objects.requireNonNull(action, "action");
        synchronized (callbacks) {
            if (done.getCount() > 0) {
                callbacks.add(action);
                return;
            }
        }
        action.run();
    }

    /**
     * The outbox sequence number (0 for QoS 0).
     *
     * @return the sequence number
     */
    public long sequence() {
        return sequence;
    }

    /**
     * Whether the broker acknowledged or refused the message.
     *
     * @return true once the broker answered
     */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /**
     * The broker's refusal, once done and refused.
     *
     * @return the refusal, or empty while waiting or after an acknowledgement
     */
    public Optional<PublishRefusedException> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * Waits for the broker's answer.
     *
     * @param timeout how long to wait at most
     * @throws PublishRefusedException when the broker refused the message (MQTT 5 reason code 0x80 or more)
     * @throws TimeoutException when no answer came in time; the message stays in the outbox
     * @throws InterruptedException when the waiting thread is interrupted; the message stays in the outbox
     */
    public void await(Duration timeout) throws PublishRefusedException, TimeoutException, InterruptedException {
        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("no acknowledgement for message " + sequence + " within " + timeout);
        }
        PublishRefusedException r = refusal;
        if (r != null) {
            throw r;
        }
    }

    @Override
    public String toString() {
        return "Delivery{" + sequence + (isDone() ? (refusal != null ? ", refused" : ", acknowledged") : ", pending") + "}";
    }
}
