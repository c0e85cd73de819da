package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Paho MQTT 3.1.1 jar is an optional dependency of transport: an MQTT 5 device leaves it out. These
 * tests load transport from a class loader without that jar and walk the MQTT 5 code paths that
 * classify Paho errors, which must not touch a v3 type.
 */
class PahoV3OptionalTest {

    private static URLClassLoader withoutPahoV3() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("org.eclipse.paho.client.mqttv3")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void pahoErrors_withoutV3Jar_classifiesV5AndOtherErrors() throws Exception {
        try (URLClassLoader loader = withoutPahoV3()) {
            assertThat(loader.getResource("org/eclipse/paho/client/mqttv3/MqttException.class")).isNull();
            Class<?> errors = Class.forName(PahoErrors.class.getName(), true, loader);
            Method notAuthorized = errors.getMethod("isNotAuthorized", Throwable.class);
            Method windowFull = errors.getMethod("isWindowFull", Throwable.class);
            Class<?> v5 = loader.loadClass("org.eclipse.paho.mqttv5.common.MqttException");
            Object refused = v5.getConstructor(int.class).newInstance(0x87);

            assertThat(notAuthorized.invoke(null, new IOException("reset"))).isEqualTo(false);
            assertThat(windowFull.invoke(null, new IOException("reset"))).isEqualTo(false);
            assertThat(notAuthorized.invoke(null, refused)).isEqualTo(true);
        }
    }

    @Test
    void deviceMqttClient_withoutV3Jar_loadsAndInitialises() throws Exception {
        try (URLClassLoader loader = withoutPahoV3()) {
            Class<?> client = Class.forName("io.devsec.transport.DeviceMqttClient", true, loader);
            assertThat(client.getDeclaredMethods()).isNotEmpty();
        }
    }

    @Test
    void build_mqtt311WithoutV3Jar_throwsIllegalStateNamingTheArtifact() throws Exception {
        try (URLClassLoader loader = withoutPahoV3()) {
            Class<?> client = Class.forName("io.devsec.transport.DeviceMqttClient", true, loader);
            Class<?> protocols = loader.loadClass("io.devsec.transport.MqttProtocol");
            Object builder = client.getMethod("builder").invoke(null);
            Object v311 = protocols.getField("MQTT_3_1_1").get(null);
            builder.getClass().getMethod("protocol", protocols).invoke(builder, v311);
            Method build = builder.getClass().getMethod("build");

            assertThatThrownBy(() -> build.invoke(builder))
                    .isInstanceOf(InvocationTargetException.class)
                    .cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("org.eclipse.paho.client.mqttv3");
        }
    }

    @Test
    void build_mqtt311WithV3Jar_passesTheProtocolCheck() {
        // With the jar present the first refusal is the missing broker, not the protocol.
        assertThatThrownBy(() -> io.devsec.transport.DeviceMqttClient.builder()
                        .protocol(io.devsec.transport.MqttProtocol.MQTT_3_1_1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker host");
    }
}
