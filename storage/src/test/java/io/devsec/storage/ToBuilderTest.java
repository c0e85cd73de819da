package io.devsec.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.PublicApi;
import java.nio.file.Paths;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code x.toBuilder().build()} reads as {@code x}; one setter on it changes only its own field. */
class ToBuilderTest {

    @Test
    void everyPublicTypeWithABuilder_hasToBuilder() {
        assertThat(PublicApi.builderTypesWithoutToBuilder(KeystoreException.class, Set.of())).isEmpty();
    }

    @Test
    void argon2Parameters_toBuilder_roundTripsAndChangesOneField() {
        Argon2Parameters x = Argon2Parameters.builder().memoryKib(16 * 1024).iterations(4).parallelism(2).build();
        assertThat(x.toBuilder().build()).isEqualTo(x);
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().iterations(5).build())).containsExactly("iterations");
    }

    @Test
    void keystoreOptions_toBuilder_roundTripsAndChangesOneField() {
        KeystoreOptions x = KeystoreOptions.builder().insecureAllowLoosePermissions(true).build();
        assertThat(x.toBuilder().build()).isEqualTo(x);
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().insecureAllowLoosePermissions(false).build()))
                .containsExactly("insecureAllowLoosePermissions");
    }

    @Test
    void tpm2Settings_toBuilder_roundTripsAndChangesOneField() {
        Tpm2Settings x = Tpm2Settings.builder(0x01500000).tcti("swtpm:port=2321").toolsFolder(Paths.get("/opt/tpm"))
                .timeoutMillis(5000).defineIfAbsent(false).build();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().build())).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().timeoutMillis(7000).build()))
                .containsExactly("timeoutMillis");
    }

    @Test
    void pkcs11Settings_toBuilder_roundTripsAndChangesOneField_andCopiesThePin() {
        Pkcs11Settings x = Pkcs11Settings.builder().library(Paths.get("/usr/lib/softhsm/libsofthsm2.so")).slot(3)
                .pin("1234".toCharArray()).keyAlias("k1").insecureAllowExtractableMasterKey(true).build();
        Pkcs11Settings copy = x.toBuilder().build();
        assertThat(PublicApi.differingAccessors(x, copy)).isEmpty();
        assertThat(PublicApi.differingAccessors(x, x.toBuilder().keyAlias("k2").build())).containsExactly("keyAlias");
        copy.destroy();
        assertThat(x.pin()).containsExactly('1', '2', '3', '4');
    }
}
