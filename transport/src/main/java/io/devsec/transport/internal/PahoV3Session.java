package io.devsec.transport.internal;

import java.time.Duration;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MQTT 3.1.1 over Paho's mqttv3 async client: clean session, no Paho reconnect, memory persistence (the outbox is ours). */
public final class PahoV3Session implements MqttSession {
    private static final Logger LOG = LoggerFactory.getLogger(PahoV3Session.class);
    private final MqttAsyncClient client;
    private final SessionSettings settings;
    private volatile boolean closing;

    public PahoV3Session(SessionSettings settings, Callbacks callbacks) throws MqttException {
        this.settings = settings;
        this.client = new MqttAsyncClient(settings.serverUri, settings.clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                if (!closing) {
                    callbacks.connectionLost(cause);
                }
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                callbacks.messageArrived(topic, message.getPayload(), message.getQos(), message.isRetained());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // completion is reported through each publish's listener
            }
        });
    }

    @Override
    public void connect(Duration timeout) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setSocketFactory(settings.socketFactory);
        o.setHttpsHostnameVerificationEnabled(true);
        o.setKeepAliveInterval(settings.seconds(settings.keepAlive));
        o.setConnectionTimeout(settings.seconds(settings.connectTimeout));
        o.setMaxInflight(settings.maxInflight);
        IMqttToken t = client.connect(o);
        t.waitForCompletion(timeout.toMillis() + 1000);
        if (!client.isConnected()) {
            throw new java.util.concurrent.TimeoutException("no CONNACK within " + timeout);
        }
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, Completion completion) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        client.publish(topic, m, null, new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                completion.completed(new int[] {0});
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                completion.failed(e);
            }
        });
    }

    @Override
    public void subscribe(String[] filters, int[] qos, Completion completion) throws Exception {
        client.subscribe(filters, qos, null, new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] granted = token.getGrantedQos();
                completion.completed(granted == null ? new int[0] : granted);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                completion.failed(e);
            }
        });
    }

    @Override
    public void unsubscribe(String filter) throws Exception {
        client.unsubscribe(filter);
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.toString());
        }
        kill();
    }

    @Override
    public void kill() {
        closing = true;
        try {
            client.disconnectForcibly(0, 500, false);
        } catch (MqttException e) {
            LOG.debug("forced disconnect: {}", e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.toString());
        }
    }
}
