package io.devsec.transport.internal;

/**
 * Reading Paho's numeric connect failures so that nothing outside this package sees Paho types.
 *
 * <p>The Paho MQTT 3.1.1 jar is optional (an MQTT 5 device leaves it out): its types are only touched in
 * {@link V3}, which is loaded only when that jar is on the class path.
 */
public final class PahoErrors {
    private static final boolean V3_PRESENT = isPresent("org.eclipse.paho.client.mqttv3.MqttException");

    private PahoErrors() {
    }

    /** Whether Paho refused a publish because its in-flight window (or the broker's receive maximum) is full. */
    public static boolean isWindowFull(Throwable e) {
        if (V3_PRESENT && V3.isMqttException(e)) {
            return V3.reasonCode(e) == V3.REASON_CODE_MAX_INFLIGHT;
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException) {
            return ((org.eclipse.paho.mqttv5.common.MqttException) e).getReasonCode()
                    == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT;
        }
        return false;
    }

    /** Whether the broker refused CONNECT for the client's identity or authorization. */
    public static boolean isNotAuthorized(Throwable e) {
        if (V3_PRESENT && V3.isMqttException(e)) {
            int rc = V3.reasonCode(e);
            return rc == V3.REASON_CODE_FAILED_AUTHENTICATION || rc == V3.REASON_CODE_NOT_AUTHORIZED;
        }
        if (e instanceof org.eclipse.paho.mqttv5.common.MqttException) {
            int rc = ((org.eclipse.paho.mqttv5.common.MqttException) e).getReasonCode();
            return rc == 0x86 || rc == 0x87 || rc == 0x8A;
        }
        return false;
    }

    /**
     * Whether Paho's MQTT 3.1.1 client ({@code org.eclipse.paho:org.eclipse.paho.client.mqttv3}) is on the
     * class path; it is an optional dependency that only an MQTT 3.1.1 device needs.
     *
     * @return true when the v3 client classes can be loaded
     */
    public static boolean v3Present() {
        return V3_PRESENT;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, PahoErrors.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The only place that names Paho v3 types. */
    private static final class V3 {
        static final int REASON_CODE_MAX_INFLIGHT = org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT;
        static final int REASON_CODE_FAILED_AUTHENTICATION =
                org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION;
        static final int REASON_CODE_NOT_AUTHORIZED = org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_NOT_AUTHORIZED;

        static boolean isMqttException(Throwable e) {
            return e instanceof org.eclipse.paho.client.mqttv3.MqttException;
        }

        static int reasonCode(Throwable e) {
            return ((org.eclipse.paho.client.mqttv3.MqttException) e).getReasonCode();
        }
    }
}
