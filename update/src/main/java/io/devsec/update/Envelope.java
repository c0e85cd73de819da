package io.devsec.update;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.devsec.update.internal.Dsse;
import io.devsec.update.internal.Hex;
import io.devsec.update.internal.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope: a payload type, the exact payload bytes and signatures over their
 * pre-authentication encoding ({@link #preAuthenticationEncoding()}). No JSON canonicalisation is
 * needed: the signed bytes are the payload as carried.
 *
 * <p>JSON form: {@code {"payloadType": ..., "payload": base64, "signatures": [{"keyid": ..., "sig": base64}]}},
 * base64 in the standard alphabet with padding. Parsing is strict (see {@link #parse}). An envelope
 * says nothing about trust: {@link UpdateVerifier} checks its signatures.
 */
public final class Envelope {
    /** Payload type of root metadata. */
    public static final String ROOT_PAYLOAD_TYPE = "application/vnd.devsec.root+json";
    /** Payload type of update metadata. */
    public static final String UPDATE_PAYLOAD_TYPE = "application/vnd.devsec.update+json";

    private final String payloadType;
    private final byte[] payload;
    private final List<Signature> signatures;

    private Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
        this.payloadType = payloadType;
        this.payload = payload;
        this.signatures = Collections.unmodifiableList(new ArrayList<>(signatures));
    }

    /**
     * An envelope of {@code payload} with the given signatures (which this method does not check).
     *
     * @param payloadType the DSSE payload type
     * @param payload the payload bytes (copied)
     * @param signatures the signatures over its pre-authentication encoding
     * @return the envelope
     */
    public static Envelope of(String payloadType, byte[] payload, List<Signature> signatures) {
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(signatures, "signatures");
        return new Envelope(payloadType, payload.clone(), signatures);
    }

    /**
     * Parses an envelope strictly: at most {@code limits.maxEnvelopeBytes()} bytes (checked before
     * parsing), strict UTF-8 JSON without duplicate keys, unknown fields or trailing data, base64
     * fields in the standard alphabet, key ids of 64 lowercase hex digits, at most
     * {@code limits.maxSignatures()} signatures.
     *
     * @param json the envelope's bytes
     * @param limits the size caps
     * @return the envelope; its signatures are not verified yet
     * @throws MetadataTooLargeException when the envelope exceeds its cap
     * @throws MalformedMetadataException when it is not a well-formed envelope
     */
    public static Envelope parse(byte[] json, MetadataLimits limits)
            throws MetadataTooLargeException, MalformedMetadataException {
        StrictJson.Fields f = StrictJson.parseObject("envelope", json, limits.maxEnvelopeBytes());
        String type = f.text("payloadType", 128);
        byte[] payload = base64("envelope.payload", f.text("payload", limits.maxEnvelopeBytes()));
        List<Signature> sigs = new ArrayList<>();
        for (StrictJson.Fields s : f.objects("signatures", 1, limits.maxSignatures())) {
            String keyId = s.text("keyid", 64);
            if (!Hex.isLowerHex(keyId, 64)) {
                throw new MalformedMetadataException("envelope.signatures.keyid", "must be 64 lowercase hex digits");
            }
            byte[] sig = base64("envelope.signatures.sig", s.text("sig", 1024));
            s.end();
            sigs.add(new Signature(keyId, sig));
        }
        f.end();
        return new Envelope(type, payload, sigs);
    }

    /**
     * Reads at most {@code limits.maxEnvelopeBytes() + 1} bytes from {@code in} and parses them:
     * an endless or oversized stream is refused without reading further.
     *
     * @param in the stream to read the envelope from (not closed)
     * @param limits the size caps
     * @return the envelope; its signatures are not verified yet
     * @throws IOException when the stream fails
     * @throws MetadataTooLargeException when the envelope exceeds its cap
     * @throws MalformedMetadataException when it is not a well-formed envelope
     */
    public static Envelope read(InputStream in, MetadataLimits limits)
            throws IOException, MetadataTooLargeException, MalformedMetadataException {
        return parse(readCapped(in, limits.maxEnvelopeBytes()), limits);
    }

    static byte[] readCapped(InputStream in, int max) throws IOException, MetadataTooLargeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        while (total <= max) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, max + 1L - total));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            total += n;
        }
        if (total > max) {
            throw new MetadataTooLargeException("envelope", max, total);
        }
        return out.toByteArray();
    }

    private static byte[] base64(String field, String text) throws MalformedMetadataException {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMetadataException(field, "is not standard base64", e);
        }
        // Canonical only: padded, no stray bits, so one payload has one encoding.
        if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
            throw new MalformedMetadataException(field, "is not canonical padded base64");
        }
        return decoded;
    }

    /**
     * The DSSE payload type.
     *
     * @return the payload type
     */
    public String payloadType() {
        return payloadType;
    }

    /**
     * A copy of the exact payload bytes.
     *
     * @return the payload (a new array on each call)
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The signatures, in envelope order; unmodifiable.
     *
     * @return the signatures
     */
    public List<Signature> signatures() {
        return signatures;
    }

    /**
     * The bytes each signature signs: DSSE v1 PAE of the payload type and payload.
     *
     * @return the pre-authentication encoding
     */
    public byte[] preAuthenticationEncoding() {
        return Dsse.pae(payloadType, payload);
    }

    /**
     * The DSSE pre-authentication encoding of any payload type and payload.
     *
     * @param payloadType the DSSE payload type
     * @param payload the payload bytes
     * @return the bytes a signature signs
     */
    public static byte[] preAuthenticationEncoding(String payloadType, byte[] payload) {
        return Dsse.pae(payloadType, payload);
    }

    /**
     * This envelope with one more signature.
     *
     * @param signature the signature to add
     * @return a new envelope
     */
    public Envelope withSignature(Signature signature) {
        List<Signature> s = new ArrayList<>(signatures);
        s.add(Objects.requireNonNull(signature, "signature"));
        return new Envelope(payloadType, payload, s);
    }

    /**
     * The envelope as compact UTF-8 JSON.
     *
     * @return the JSON bytes
     */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("payloadType", payloadType);
            g.writeStringField("payload", Base64.getEncoder().encodeToString(payload));
            g.writeArrayFieldStart("signatures");
            for (Signature s : signatures) {
                g.writeStartObject();
                g.writeStringField("keyid", s.keyId());
                g.writeStringField("sig", Base64.getEncoder().encodeToString(s.sig));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "Envelope[" + payloadType + ", " + payload.length + " payload bytes, " + signatures.size()
                + " signatures]";
    }

    /** One DSSE signature: the key id and the signature bytes. */
    public static final class Signature {
        private final String keyId;
        private final byte[] sig;

        private Signature(String keyId, byte[] sig) {
            this.keyId = keyId;
            this.sig = sig;
        }

        /**
         * A signature by the key with id {@code keyId} (64 lowercase hex digits).
         *
         * @param keyId the signing key's id
         * @param sig the signature bytes (copied)
         * @return the signature
         * @throws IllegalArgumentException when the key id is not 64 lowercase hex digits
         */
        public static Signature of(String keyId, byte[] sig) {
            if (!Hex.isLowerHex(Objects.requireNonNull(keyId, "keyId"), 64)) {
                throw new IllegalArgumentException("keyId must be 64 lowercase hex digits");
            }
            return new Signature(keyId, Objects.requireNonNull(sig, "sig").clone());
        }

        /**
         * The signing key's id.
         *
         * @return 64 lowercase hex digits
         */
        public String keyId() {
            return keyId;
        }

        /**
         * A copy of the signature bytes.
         *
         * @return the signature (a new array on each call)
         */
        public byte[] sig() {
            return sig.clone();
        }

        byte[] sigNoCopy() {
            return sig;
        }

        @Override
        public String toString() {
            return "Signature[" + keyId + "]";
        }
    }
}
