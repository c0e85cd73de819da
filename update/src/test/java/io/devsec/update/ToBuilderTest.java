package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.PublicApi;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code x.toBuilder().build()} reads as {@code x}; one setter on it changes only its own field. */
class ToBuilderTest {

    @Test
    void everyPublicTypeWithABuilder_hasToBuilder_exceptTheServices() {
        assertThat(PublicApi.builderTypesWithoutToBuilder(UpdateException.class,
                Set.of(UpdateAgent.class, UpdateVerifier.class))).isEmpty();
    }

    @Test
    void updateMetadata_toBuilder_roundTripsAndChangesOneField() {
        UpdateMetadata x = UpdateMetadata.builder().version(7).hardwareId("thermostat-v2").imageLength(1024)
                .imageSha256(new byte[32]).expires(TestKeys.NEXT_YEAR).supportUntil(LocalDate.of(2030, 1, 1))
                .securityUpdate(true).reason("CVE fix").build();
        assertThat(x.toBuilder().build()).isEqualTo(x);
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().reason("other").build()))
                .containsExactlyInAnyOrder("reason", "toPayload");
    }

    @Test
    void metadataLimits_toBuilder_roundTripsAndChangesOneField() {
        MetadataLimits x = MetadataLimits.builder().maxEnvelopeBytes(8 * 1024).maxSignatures(4).maxKeys(8).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().maxKeys(9).build())).containsExactly("maxKeys");
    }

    @Test
    void rootMetadata_toBuilder_roundTripsAndChangesOneField() {
        TestKeys.SigningKey root = TestKeys.ed25519();
        TestKeys.SigningKey update = TestKeys.ed25519();
        RootMetadata x = RootMetadata.builder().version(3).expires(Instant.parse("2027-01-01T00:00:00Z"))
                .rootKey(root.pub()).rootThreshold(1).updateKey(update.pub()).updateThreshold(1).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().version(4).build()))
                .containsExactlyInAnyOrder("version", "toPayload");
    }
}
