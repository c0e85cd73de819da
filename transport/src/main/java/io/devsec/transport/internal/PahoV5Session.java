package io.devsec.transport.internal;

import java.time.Duration;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5 over Paho's mqttv5 async client. Uses the client-level callback only: per-subscription
 * listeners throw in Paho 1.2.5. Reason codes from PUBACK and SUBACK are passed up unchanged, so
 * the caller can turn codes of 0x80 or more into typed errors (Paho itself reports them as success).
 */
public final class PahoV5Session implements MqttSession {
    /** Whether subscriptions set No Local; set before the first subscribe. */
    private volatile boolean noLocal;

    /** Subscriptions from now on set No Local (or not). */
    public void noLocal(boolean on) {
        this.noLocal = on;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PahoV5Session.class);
    private final MqttAsyncClient client;
    private final SessionSettings settings;
    private volatile boolean closing;
    private volatile int sendWindow = 65535;

    public PahoV5Session(SessionSettings settings, Callbacks callbacks) throws MqttException {
        this.settings = settings;
        this.client = new MqttAsyncClient(settings.serverUri, settings.clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                if (!closing) {
                    Throwable cause = response.getException();
                    callbacks.connectionLost(cause != null ? cause
                            : new java.io.IOException("broker disconnected: reason code " + response.getReturnCode()));
                }
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.debug("MQTT error: {}", exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                callbacks.messageArrived(topic, message.getPayload(), message.getQos(), message.isRetained());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // completion is reported through each publish's listener
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                // DevSec tracks state itself
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
    }

    @Override
    public void connect(Duration timeout) throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setAutomaticReconnect(false);
        o.setSocketFactory(settings.socketFactory);
        o.setHttpsHostnameVerificationEnabled(true);
        o.setKeepAliveInterval(settings.seconds(settings.keepAlive));
        o.setConnectionTimeout(settings.seconds(settings.connectTimeout));
        o.setReceiveMaximum(Math.max(1, Math.min(65535, settings.maxInflight)));
        if (settings.maxInboundPacketBytes > 0) {
            // A compliant broker then drops a larger message for us instead of sending it (MQTT 5, 3.1.2.11.4).
            o.setMaximumPacketSize(settings.maxInboundPacketBytes);
        }
        IMqttToken t = client.connect(o);
        t.waitForCompletion(timeout.toMillis() + 1000);
        if (!client.isConnected()) {
            throw new java.util.concurrent.TimeoutException("no CONNACK within " + timeout);
        }
        MqttProperties connack = t.getResponseProperties();
        Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
        sendWindow = receiveMaximum == null || receiveMaximum <= 0 ? 65535 : receiveMaximum;
    }

    @Override
    public int sendWindow() {
        return sendWindow;
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, Completion completion) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        client.publish(topic, m, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] rc = token.getReasonCodes();
                completion.completed(rc == null ? new int[] {0} : rc);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                completion.failed(e);
            }
        });
    }

    @Override
    public void subscribe(String[] filters, int[] qos, Completion completion) throws Exception {
        // No Local when asked: the broker does not send this client's own publishes back to it (MQTT 5, 3.8.3.1).
        org.eclipse.paho.mqttv5.common.MqttSubscription[] subs =
                new org.eclipse.paho.mqttv5.common.MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subs[i] = new org.eclipse.paho.mqttv5.common.MqttSubscription(filters[i], qos[i]);
            subs[i].setNoLocal(noLocal);
        }
        client.subscribe(subs, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] rc = token.getReasonCodes();
                completion.completed(rc == null ? new int[0] : rc);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                completion.failed(e);
            }
        }, new MqttProperties());
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
