package io.devsec.transport.internal;

/** Reading Paho's numeric connect failures so that nothing outside this package sees Paho types. */
public final class PahoErrors {
    private PahoErrors() {
    }

    /** Whether Paho refused a publish because its in-flight window (or the broker's receive maximum) is full. */
    public static boolean isWindowFull(Throwable e) {
        if (e instanceof org.eclipse.paho.client.mqttv3.MqttException) {
            return ((org.eclipse.paho.client.mqttv3.MqttException) e).getReasonCode()
                    == org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT;
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException) {
            return ((org.eclipse.paho.mqttv5.common.MqttException) e).getReasonCode()
                    == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT;
        }
        return false;
    }

    /** Whether the broker refused CONNECT for the client's identity or authorization. */
    public static boolean isNotAuthorized(Throwable e) {
        if (e instanceof org.eclipse.paho.client.mqttv3.MqttException) {
            int rc = ((org.eclipse.paho.client.mqttv3.MqttException) e).getReasonCode();
            return rc == org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    || rc == org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_NOT_AUTHORIZED;
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException) {
            int rc = ((org.eclipse.paho.mqttv5.common.MqttException) e).getReasonCode();
            return rc == 0x86 || rc == 0x87 || rc == 0x8A;
        }
        return false;
    }
}
