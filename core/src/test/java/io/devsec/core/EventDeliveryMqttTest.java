package io.devsec.core;

import static io.devsec.core.MqttTestFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.core.events.SecurityEvent;
import io.devsec.core.events.SecurityEventListener;
import io.devsec.core.events.SecurityEvents;
import io.devsec.transport.ConnectionState;
import io.devsec.transport.DeviceMqttClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security event listeners run on the stream's own thread, never on the MQTT client's connection thread: a listener
 * that blocks, or calls back into the device, while the connection is lost does not stop the device reconnecting.
 */
class EventDeliveryMqttTest {
    @RegisterExtension
    static final MqttTestFixture MQTT = new MqttTestFixture("Event Delivery CA", "evt-");

    @TempDir
    Path dir;

    DeviceSecurity device() throws Exception {
        return DeviceSecurity.builder().dataFolder(dir.resolve("device")).productName("Acme Sensor").build();
    }

    /** Drops the client's connection at the broker and waits until the client has noticed. */
    static void dropConnection(DeviceMqttClient client) {
        Conditions.await(WAIT, "the broker to drop " + client.clientId(), () -> MQTT.disconnect(client.clientId()));
        Conditions.await(WAIT, "the client to notice", () -> client.state() != ConnectionState.CONNECTED);
    }

    @Test
    void listenerBlockedOnConnectionLost_doesNotStopTheReconnect() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> listenerThread = new AtomicReference<>();
        SecurityEventListener blocking = event -> {
            if (event.type() == SecurityEvent.Type.CONNECTION_LOST && entered.getCount() > 0) {
                listenerThread.set(Thread.currentThread().getName());
                entered.countDown();
                try {
                    release.await(); // an application listener that blocks (a slow disk, a lock, a network call)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (DeviceSecurity device = device()) {
            MQTT.issue(device, Duration.ofDays(30));
            device.events().subscribe(blocking);
            DeviceMqttClient client = device.mqtt(MQTT.settings().build());
            try {
                assertThat(client.awaitConnected(WAIT)).isTrue();
                dropConnection(client);
                assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("listener called").isTrue();
                // The listener is still blocked, yet the device is back online.
                assertThat(client.awaitConnected(WAIT)).as("reconnected while the listener blocks").isTrue();
                assertThat(release.getCount()).isEqualTo(1);
                assertThat(listenerThread.get()).isEqualTo(SecurityEvents.THREAD_NAME);
            } finally {
                release.countDown();
            }
            assertThat(device.events().awaitDelivered(WAIT)).isTrue();
        }
    }

    @Test
    void listenerCallingBackIntoTheDeviceOnConnectionLost_doesNotDeadlock() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DeviceSecurity device = device()) {
            MQTT.issue(device, Duration.ofDays(30));
            // On losing the connection the application installs a renewed certificate: the device switches its
            // live MQTT connections to it, which needs the MQTT client's connection thread.
            device.events().subscribe(event -> {
                if (event.type() != SecurityEvent.Type.CONNECTION_LOST || done.getCount() == 0) {
                    return;
                }
                try {
                    device.status();
                    MQTT.issue(device, Duration.ofDays(60));
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    done.countDown();
                }
            });
            DeviceMqttClient client = device.mqtt(MQTT.settings().connectTimeout(Duration.ofSeconds(2)).build());
            assertThat(client.awaitConnected(WAIT)).isTrue();
            dropConnection(client);
            assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("listener finished").isTrue();
            assertThat(failure.get()).as("the call back into the device").isNull();
            assertThat(client.awaitConnected(WAIT)).isTrue();
            assertThat(device.certificateChain().get(0).getNotAfter().toInstant())
                    .isAfter(java.time.Instant.now().plus(Duration.ofDays(45)));
        }
    }
}
