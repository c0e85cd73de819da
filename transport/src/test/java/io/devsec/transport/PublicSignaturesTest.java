package io.devsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.testkit.PublicApi;
import org.junit.jupiter.api.Test;

/** The public API names no Jackson type: the JSON library stays an implementation detail. */
class PublicSignaturesTest {

    @Test
    void publicApi_namesNoJacksonType() {
        assertThat(PublicApi.signaturesNaming(TransportException.class, "com.fasterxml.")).isEmpty();
    }
}
