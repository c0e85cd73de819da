package io.devsec.transport.testing;

import io.devsec.transport.DeviceTlsContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A bare Paho v3 client in the test that watches what reaches the broker. */
public final class Observer implements AutoCloseable {
    private final MqttClient client;
    private final List<String> received = new ArrayList<>();

    public Observer(String host, int port, String clientId, DeviceTlsContext tls, String filter) throws Exception {
        client = new MqttClient("ssl://" + host + ":" + port, clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(tls.socketFactory());
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(1000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                synchronized (received) {
                    received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        // Moquette sometimes drops a connection accepted right after it (re)started (the CONNECT is read, then
        // the channel closes: "Connection lost (32109) - EOFException"). The observer is test equipment, not
        // the code under test: try its connect a few times before giving up.
        for (int attempt = 1; ; attempt++) {
            try {
                client.connect(o);
                break;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (attempt == 3 || e.getReasonCode() != org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_CONNECTION_LOST) {
                    throw e;
                }
            }
        }
        client.subscribe(filter, 1);
    }

    public List<String> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    public int count() {
        synchronized (received) {
            return received.size();
        }
    }

    public void publish(String topic, byte[] payload) throws Exception {
        client.publish(topic, payload, 1, false);
    }

    @Override
    public void close() throws org.eclipse.paho.client.mqttv3.MqttException {
        try {
            client.disconnectForcibly(0, 1000, false);
        } finally {
            client.close(true);
        }
    }
}
