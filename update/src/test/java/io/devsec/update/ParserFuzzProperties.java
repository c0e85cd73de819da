package io.devsec.update;

import io.devsec.testkit.SeededTrials;
import static io.devsec.testkit.SeededTrials.between;
import static io.devsec.testkit.SeededTrials.oneOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the envelope and payload parsers: whatever the bytes, they either parse or throw a typed
 * {@link UpdateException}; never an unchecked exception. Seeded trials: a failure names the seed to
 * replay with ({@code -Ddevsec.seed=N}).
 */
class ParserFuzzProperties {
    static final byte[] VALID_UPDATE = UpdateMetadata.builder().version(7).hardwareId("hw").imageLength(10)
            .imageSha256("0".repeat(64)).expires(Instant.parse("2027-01-01T00:00:00Z")).securityUpdate(false)
            .reason("r").build().toPayload();
    static final byte[] VALID_ENVELOPE = Envelope.of(Envelope.UPDATE_PAYLOAD_TYPE, VALID_UPDATE,
            java.util.List.of(Envelope.Signature.of("a".repeat(64), new byte[64]))).toJson();

    private static final Byte[] SPECIAL = {(byte) '"', (byte) '{', (byte) '}', (byte) '[', (byte) ']', (byte) ',',
        (byte) ':', (byte) '0', (byte) '-', (byte) 'e', (byte) '\\', (byte) 0xff, (byte) 0, (byte) ' '};

    /** Byte flips at 1 to 4 places, a cut, random bytes, or random JSON-ish text, with equal weight. */
    static byte[] mutation(Random r, byte[] seed) {
        switch (r.nextInt(4)) {
            case 0: {
                byte[] b = seed.clone();
                int flips = between(r, 1, 4);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(seed.length)] = oneOf(r, SPECIAL);
                }
                return b;
            }
            case 1:
                return java.util.Arrays.copyOf(seed, r.nextInt(seed.length));
            case 2:
                return SeededTrials.bytes(r, 300);
            default:
                return SeededTrials.string(r, "{}[]\":,0123456789.eE-truefalsnl \\abc", 0, 200)
                        .getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void envelopeParser_anyInput_parsesOrThrowsTyped() {
        SeededTrials.run("envelopeParser_anyInput_parsesOrThrowsTyped", 400,
                r -> envelopeParsesOrThrowsTyped(mutation(r, VALID_ENVELOPE)));
    }

    @Test
    void updateParser_anyInput_parsesOrThrowsTyped() {
        SeededTrials.run("updateParser_anyInput_parsesOrThrowsTyped", 400, r -> {
            byte[] input = mutation(r, VALID_UPDATE);
            try {
                UpdateMetadata m = UpdateMetadata.parse(input, MetadataLimits.DEFAULT);
                Assertions.assertThat(m.version()).isPositive();
            } catch (UpdateException expected) {
                Assertions.assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void rootParser_anyInput_parsesOrThrowsTyped() {
        SeededTrials.run("rootParser_anyInput_parsesOrThrowsTyped", 200, r -> {
            byte[] input = mutation(r, VALID_UPDATE);
            try {
                RootMetadata.parse(input, MetadataLimits.DEFAULT);
            } catch (UpdateException expected) {
                Assertions.assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    @Tag("slow")
    void envelopeParser_longCampaign_parsesOrThrowsTyped() {
        SeededTrials.run("envelopeParser_longCampaign_parsesOrThrowsTyped", 20_000,
                r -> envelopeParsesOrThrowsTyped(mutation(r, VALID_ENVELOPE)));
    }

    private static void envelopeParsesOrThrowsTyped(byte[] input) {
        try {
            Envelope e = Envelope.parse(input, MetadataLimits.DEFAULT);
            Assertions.assertThat(e.signatures()).isNotEmpty();
        } catch (UpdateException expected) {
            Assertions.assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
