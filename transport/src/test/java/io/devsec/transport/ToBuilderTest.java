package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.PublicApi;
import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@code x.toBuilder().build()} reads as {@code x}; one setter on it changes only its own field. */
class ToBuilderTest {

    @Test
    void everyPublicTypeWithABuilder_hasToBuilder_exceptTheClient() {
        assertThat(PublicApi.builderTypesWithoutToBuilder(TransportException.class, Set.of(DeviceMqttClient.class)))
                .isEmpty();
    }

    @Test
    void tlsSettings_toBuilder_roundTripsAndChangesOneField() {
        TlsSettings x = TlsSettings.builder().protocols("TLSv1.3").pin(PublicKeyPin.parse(
                "sha256/" + Base64.getEncoder().encodeToString(new byte[32]))).handshakeTimeout(Duration.ofSeconds(7))
                .build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().handshakeTimeout(Duration.ofSeconds(9)).build()))
                .containsExactly("handshakeTimeout");
    }

    @Test
    void reconnectPolicy_toBuilder_roundTripsAndChangesOneField() {
        ReconnectPolicy x = ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofMinutes(3))
                .build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().firstConnectJitter(Duration.ZERO).build()))
                .containsExactly("firstConnectJitter");
        // the attempt that follows a stable loss is derived from the initial delay
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().initialDelay(Duration.ofSeconds(3)).build()))
                .containsExactlyInAnyOrder("initialDelay", "attemptAfterStableLoss");
    }

    @Test
    void revocationSettings_toBuilder_roundTripsAndChangesOneField() {
        RevocationSettings x = RevocationSettings.builder().ocsp(URI.create("http://ocsp.example")).onlyEndEntity()
                .build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().softFail().build()))
                .containsExactlyInAnyOrder("softFail", "describe");
    }

    @Test
    void outboxSettings_toBuilder_roundTripsAndChangesOneField() {
        OutboxSettings x = OutboxSettings.builder(Paths.get("/tmp/outbox"), OutboxKey.of(new SecretKeySpec(new byte[32],
                "AES"))).maxMessages(10).maxBytes(1 << 20).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().maxMessages(11).build())).containsExactly("maxMessages");
    }
}
