package io.devsec.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Loopback ports for the broker fixtures. */
public final class Ports {
    private Ports() {
    }

    /**
     * A loopback port that was free a moment ago (also a dead port for offline tests).
     *
     * @return the port
     * @throws IOException when no socket can be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return whether something accepts connections on the loopback {@code port} now */
    static boolean listening(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} every 10 ms; false after {@code timeout}. */
    static boolean poll(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return true;
    }
}
