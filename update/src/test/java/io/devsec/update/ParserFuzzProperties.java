package io.devsec.update;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.assertj.core.api.Assertions;

/**
 * Fuzzes the envelope and payload parsers: whatever the bytes, they either parse or throw a typed
 * {@link UpdateException}; never an unchecked exception.
 */
class ParserFuzzProperties {
    static final byte[] VALID_UPDATE = UpdateMetadata.builder().version(7).hardwareId("hw").imageLength(10)
            .imageSha256("0".repeat(64)).expires(Instant.parse("2027-01-01T00:00:00Z")).securityUpdate(false)
            .reason("r").build().toPayload();
    static final byte[] VALID_ENVELOPE = Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, VALID_UPDATE,
            java.util.List.of(Envelope.Signature.of("a".repeat(64), new byte[64]))).toJson();

    @Provide
    Arbitrary<byte[]> mutatedEnvelope() {
        return mutations(VALID_ENVELOPE);
    }

    @Provide
    Arbitrary<byte[]> mutatedUpdate() {
        return mutations(VALID_UPDATE);
    }

    static Arbitrary<byte[]> mutations(byte[] seed) {
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, seed.length - 1);
        Arbitrary<Byte> value = Arbitraries.of((byte) '"', (byte) '{', (byte) '}', (byte) '[', (byte) ']', (byte) ',',
                (byte) ':', (byte) '0', (byte) '-', (byte) 'e', (byte) '\\', (byte) 0xff, (byte) 0, (byte) ' ');
        Arbitrary<byte[]> flips = net.jqwik.api.Combinators.combine(pos.list().ofMinSize(1).ofMaxSize(4),
                value.list().ofSize(4)).as((ps, vs) -> {
                    byte[] b = seed.clone();
                    for (int i = 0; i < ps.size(); i++) {
                        b[ps.get(i)] = vs.get(i);
                    }
                    return b;
                });
        Arbitrary<byte[]> cuts = pos.map(p -> java.util.Arrays.copyOf(seed, p));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> json = Arbitraries.strings().withChars("{}[]\":,0123456789.eE-truefalsnl \\abc")
                .ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(flips, cuts, random, json);
    }

    @Property(tries = 400)
    void envelopeParser_anyInput_parsesOrThrowsTyped(@ForAll("mutatedEnvelope") byte[] input) {
        try {
            Envelope e = Envelope.parse(input, MetadataLimits.DEFAULT);
            Assertions.assertThat(e.signatures()).isNotEmpty();
        } catch (UpdateException expected) {
            Assertions.assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 400)
    void updateParser_anyInput_parsesOrThrowsTyped(@ForAll("mutatedUpdate") byte[] input) {
        try {
            UpdateMetadata m = UpdateMetadata.parse(input, MetadataLimits.DEFAULT);
            Assertions.assertThat(m.version()).isPositive();
        } catch (UpdateException expected) {
            Assertions.assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void rootParser_anyInput_parsesOrThrowsTyped(@ForAll("mutatedUpdate") byte[] input) {
        try {
            RootMetadata.parse(input, MetadataLimits.DEFAULT);
        } catch (UpdateException expected) {
            Assertions.assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 20000)
    @Tag("slow")
    void envelopeParser_longCampaign_parsesOrThrowsTyped(@ForAll("mutatedEnvelope") byte[] input) {
        envelopeParser_anyInput_parsesOrThrowsTyped(input);
    }
}
