package io.devsec.update;

import io.devsec.update.internal.Hex;
import io.devsec.update.internal.JsonOut;
import io.devsec.update.internal.StrictJson;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one update offers: its version, the hardware it is for, the image's exact length and
 * SHA-256, an expiry, the date until which the device is supported, whether it is a security
 * update and why it is needed.
 *
 * <p>Payload JSON ({@link Envelope#UPDATE_PAYLOAD_TYPE}):
 * <pre>{"_type":"update","version":7,"hardwareId":"acme-sensor-v2",
 *  "image":{"length":1048576,"sha256":"64 HEX"},"expires":"2027-01-31T00:00:00Z",
 *  "supportUntil":"2030-12-31","securityUpdate":true,"reason":"Fixes CVE-2026-0001."}</pre>
 * {@code supportUntil} is optional. Immutable. A parsed update is well formed, not trusted: only a
 * {@link VerifiedUpdate} from {@link UpdateVerifier} is.
 */
public final class UpdateMetadata {
    /** Largest image length accepted: 1 TiB. */
    public static final long MAX_IMAGE_LENGTH = 1L << 40;
    private static final Pattern HARDWARE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");

    private final long version;
    private final String hardwareId;
    private final long imageLength;
    private final String imageSha256;
    private final Instant expires;
    private final LocalDate supportUntil;
    private final boolean securityUpdate;
    private final String reason;

    private UpdateMetadata(Builder b) {
        this.version = b.version;
        this.hardwareId = b.hardwareId;
        this.imageLength = b.imageLength;
        this.imageSha256 = b.imageSha256;
        this.expires = b.expires;
        this.supportUntil = b.supportUntil;
        this.securityUpdate = b.securityUpdate;
        this.reason = b.reason;
    }

    /**
     * A builder; {@link Builder#build()} names the first missing or bad field.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these values: {@code x.toBuilder().build()} equals {@code x}, and a setter
     * changes only its own field.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.version = version;
        b.hardwareId = hardwareId;
        b.imageLength = imageLength;
        b.imageSha256 = imageSha256;
        b.expires = expires;
        b.supportUntil = supportUntil;
        b.securityUpdate = securityUpdate;
        b.reason = reason;
        return b;
    }

    /**
     * The image's version (1 to 2^53-1); must be above the rollback floor to install.
     *
     * @return the version
     */
    public long version() {
        return version;
    }

    /**
     * The hardware the image is built for.
     *
     * @return the hardware id
     */
    public String hardwareId() {
        return hardwareId;
    }

    /**
     * The image's exact length in bytes.
     *
     * @return the length
     */
    public long imageLength() {
        return imageLength;
    }

    /**
     * Lowercase hex SHA-256 of the image.
     *
     * @return 64 lowercase hex digits
     */
    public String imageSha256() {
        return imageSha256;
    }

    /**
     * When this metadata stops being accepted (against freeze attacks).
     *
     * @return the expiry
     */
    public Instant expires() {
        return expires;
    }

    /**
     * The last day the manufacturer supports this device with security updates, when stated.
     *
     * @return the date, or empty
     */
    public Optional<LocalDate> supportUntil() {
        return Optional.ofNullable(supportUntil);
    }

    /**
     * Whether this is a security update.
     *
     * @return true for a security update
     */
    public boolean securityUpdate() {
        return securityUpdate;
    }

    /**
     * Why the update is needed, for the user.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    /**
     * The payload bytes to sign and carry in an envelope.
     *
     * @return the JSON payload
     */
    public byte[] toPayload() {
        return JsonOut.write(g -> {
            g.writeStartObject();
            g.writeStringField("_type", "update");
            g.writeNumberField("version", version);
            g.writeStringField("hardwareId", hardwareId);
            g.writeObjectFieldStart("image");
            g.writeNumberField("length", imageLength);
            g.writeStringField("sha256", imageSha256);
            g.writeEndObject();
            g.writeStringField("expires", expires.toString());
            if (supportUntil != null) {
                g.writeStringField("supportUntil", supportUntil.toString());
            }
            g.writeBooleanField("securityUpdate", securityUpdate);
            g.writeStringField("reason", reason);
            g.writeEndObject();
        });
    }

    /**
     * Parses an update payload strictly.
     *
     * @param payload the payload bytes (from a verified envelope)
     * @param limits the size caps
     * @return the metadata
     * @throws MalformedMetadataException naming the field that is missing, unknown, of the wrong
     *     type or out of range
     * @throws MetadataTooLargeException when it exceeds {@code limits.maxEnvelopeBytes()}
     */
    public static UpdateMetadata parse(byte[] payload, MetadataLimits limits)
            throws MalformedMetadataException, MetadataTooLargeException {
        StrictJson.Fields f = StrictJson.parseObject("update", payload, limits.maxEnvelopeBytes());
        String type = f.text("_type", 16);
        if (!type.equals("update")) {
            throw new MalformedMetadataException("update._type", "must be \"update\", not \"" + type + "\"");
        }
        Builder b = builder();
        b.version(f.integer("version", 1, StrictJson.MAX_SAFE_INTEGER));
        b.hardwareId(f.text("hardwareId", 128));
        StrictJson.Fields image = f.object("image");
        b.imageLength(image.integer("length", 1, MAX_IMAGE_LENGTH));
        b.imageSha256(image.text("sha256", 64));
        image.end();
        b.expires(f.instant("expires"));
        if (f.has("supportUntil")) {
            b.supportUntil(f.date("supportUntil"));
        }
        b.securityUpdate(f.bool("securityUpdate"));
        b.reason(f.text("reason", 4096));
        f.end();
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new MalformedMetadataException("update", e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UpdateMetadata)) {
            return false;
        }
        UpdateMetadata m = (UpdateMetadata) o;
        return version == m.version && imageLength == m.imageLength && securityUpdate == m.securityUpdate
                && hardwareId.equals(m.hardwareId) && imageSha256.equals(m.imageSha256) && expires.equals(m.expires)
                && Objects.equals(supportUntil, m.supportUntil) && reason.equals(m.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, hardwareId, imageLength, imageSha256, expires, supportUntil, securityUpdate, reason);
    }

    @Override
    public String toString() {
        return "UpdateMetadata[version=" + version + ", hardwareId=" + hardwareId + ", length=" + imageLength
                + ", sha256=" + imageSha256 + ", expires=" + expires + ", securityUpdate=" + securityUpdate + "]";
    }

    /** Builds update metadata; {@link #build()} checks every field. */
    public static final class Builder {
        private long version;
        private String hardwareId;
        private long imageLength;
        private String imageSha256;
        private Instant expires;
        private LocalDate supportUntil;
        private boolean securityUpdate;
        private String reason;

        private Builder() {
        }

        /**
         * Sets the image's version.
         *
         * @param version 1 to 2^53-1
         * @return this builder
         */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /**
         * Sets the hardware the image is built for.
         *
         * @param hardwareId 1 to 128 letters, digits and {@code ._:+-}
         * @return this builder
         */
        public Builder hardwareId(String hardwareId) {
            this.hardwareId = hardwareId;
            return this;
        }

        /**
         * Sets the image's exact length.
         *
         * @param length the length in bytes
         * @return this builder
         */
        public Builder imageLength(long length) {
            this.imageLength = length;
            return this;
        }

        /**
         * The image's SHA-256 as 64 lowercase hex digits.
         *
         * @param hex the digest in hex
         * @return this builder
         */
        public Builder imageSha256(String hex) {
            this.imageSha256 = hex;
            return this;
        }

        /**
         * The image's SHA-256.
         *
         * @param digest the 32-byte digest
         * @return this builder
         */
        public Builder imageSha256(byte[] digest) {
            this.imageSha256 = Hex.encode(digest);
            return this;
        }

        /**
         * Sets when the metadata stops being accepted.
         *
         * @param expires the expiry
         * @return this builder
         */
        public Builder expires(Instant expires) {
            this.expires = expires;
            return this;
        }

        /**
         * Sets the last day of security support (optional).
         *
         * @param date the date, or null for none
         * @return this builder
         */
        public Builder supportUntil(LocalDate date) {
            this.supportUntil = date;
            return this;
        }

        /**
         * Marks a security update.
         *
         * @param security true for a security update
         * @return this builder
         */
        public Builder securityUpdate(boolean security) {
            this.securityUpdate = security;
            return this;
        }

        /**
         * Sets why the update is needed, for the user.
         *
         * @param reason the reason
         * @return this builder
         */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /**
         * Checks the fields and builds the metadata.
         *
         * @return the metadata
         * @throws IllegalArgumentException naming the first bad field
         */
        public UpdateMetadata build() {
            if (version < 1 || version > StrictJson.MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException("version must be between 1 and 2^53-1");
            }
            if (hardwareId == null || !HARDWARE_ID.matcher(hardwareId).matches()) {
                throw new IllegalArgumentException(
                        "hardwareId must be 1 to 128 characters of letters, digits and ._:+- (starting with a letter or digit)");
            }
            if (imageLength < 1 || imageLength > MAX_IMAGE_LENGTH) {
                throw new IllegalArgumentException("image length must be between 1 and 2^40");
            }
            if (imageSha256 == null || !Hex.isLowerHex(imageSha256, 64)) {
                throw new IllegalArgumentException("image sha256 must be 64 lowercase hex digits");
            }
            Objects.requireNonNull(expires, "expires");
            if (reason == null || reason.isEmpty() || reason.length() > 4096) {
                throw new IllegalArgumentException("reason must be 1 to 4096 characters");
            }
            return new UpdateMetadata(this);
        }
    }
}
