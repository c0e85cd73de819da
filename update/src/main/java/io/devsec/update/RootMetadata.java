package io.devsec.update;

import io.devsec.update.internal.StrictJson;
import io.devsec.update.internal.JsonOut;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The root of trust, as the root role of The Update Framework: the keys that may sign, which of
 * them sign the next root and which sign update metadata, a threshold for each, a version and an
 * expiry.
 *
 * <p>Payload JSON ({@link Envelope#ROOT_PAYLOAD_TYPE}):
 * <pre>{"_type":"root","version":1,"expires":"2027-01-31T00:00:00Z",
 *  "keys":{"KEYID":{"algorithm":"ed25519","spki":"BASE64 DER"}},
 *  "roles":{"root":{"keyids":["KEYID"],"threshold":1},"update":{"keyids":["KEYID"],"threshold":1}}}</pre>
 * Immutable. A parsed root is well formed, not trusted: {@link UpdateVerifier} decides trust.
 */
public final class RootMetadata {
    private final long version;
    private final Instant expires;
    private final Map<String, VerificationKey> keys;
    private final List<String> rootKeyIds;
    private final int rootThreshold;
    private final List<String> updateKeyIds;
    private final int updateThreshold;

    private RootMetadata(long version, Instant expires, Map<String, VerificationKey> keys, List<String> rootKeyIds,
            int rootThreshold, List<String> updateKeyIds, int updateThreshold) {
        this.version = version;
        this.expires = expires;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.rootKeyIds = Collections.unmodifiableList(new ArrayList<>(rootKeyIds));
        this.rootThreshold = rootThreshold;
        this.updateKeyIds = Collections.unmodifiableList(new ArrayList<>(updateKeyIds));
        this.updateThreshold = updateThreshold;
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
        b.expires = expires;
        b.keys.putAll(keys);
        b.rootKeyIds.addAll(rootKeyIds);
        b.rootThreshold = rootThreshold;
        b.updateKeyIds.addAll(updateKeyIds);
        b.updateThreshold = updateThreshold;
        return b;
    }

    /**
     * The root's version; each new root is exactly one more.
     *
     * @return the version
     */
    public long version() {
        return version;
    }

    /**
     * When this root stops being accepted.
     *
     * @return the expiry
     */
    public Instant expires() {
        return expires;
    }

    /**
     * Every key, by key id; unmodifiable.
     *
     * @return the keys
     */
    public Map<String, VerificationKey> keys() {
        return keys;
    }

    /**
     * The ids of the keys that may sign the next root.
     *
     * @return the key ids
     */
    public List<String> rootKeyIds() {
        return rootKeyIds;
    }

    /**
     * How many distinct root keys must sign the next root.
     *
     * @return the threshold
     */
    public int rootThreshold() {
        return rootThreshold;
    }

    /**
     * The ids of the keys that may sign update metadata.
     *
     * @return the key ids
     */
    public List<String> updateKeyIds() {
        return updateKeyIds;
    }

    /**
     * How many distinct update keys must sign update metadata.
     *
     * @return the threshold
     */
    public int updateThreshold() {
        return updateThreshold;
    }

    /**
     * The payload bytes to sign and carry in an envelope.
     *
     * @return the JSON payload
     */
    public byte[] toPayload() {
        return JsonOut.write(g -> {
            g.writeStartObject();
            g.writeStringField("_type", "root");
            g.writeNumberField("version", version);
            g.writeStringField("expires", expires.toString());
            g.writeObjectFieldStart("keys");
            for (VerificationKey k : keys.values()) {
                g.writeObjectFieldStart(k.keyId());
                g.writeStringField("algorithm", k.algorithm().id());
                g.writeStringField("spki", Base64.getEncoder().encodeToString(k.subjectPublicKeyInfo()));
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("roles");
            for (String role : new String[] {"root", "update"}) {
                g.writeObjectFieldStart(role);
                g.writeArrayFieldStart("keyids");
                for (String id : role.equals("root") ? rootKeyIds : updateKeyIds) {
                    g.writeString(id);
                }
                g.writeEndArray();
                g.writeNumberField("threshold", role.equals("root") ? rootThreshold : updateThreshold);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * Parses a root payload strictly.
     *
     * @param payload the payload bytes (from an envelope)
     * @param limits the size caps
     * @return the root
     * @throws MalformedMetadataException when it is not a well-formed root: unknown or missing
     *     fields, a key id that is not the SHA-256 of its key, one public key listed twice (under
     *     two encodings, so two ids), a role naming an unknown key, a threshold below 1 or above its
     *     number of keys
     * @throws MetadataTooLargeException when it exceeds {@code limits.maxEnvelopeBytes()}
     */
    public static RootMetadata parse(byte[] payload, MetadataLimits limits)
            throws MalformedMetadataException, MetadataTooLargeException {
        StrictJson.Fields f = StrictJson.parseObject("root", payload, limits.maxEnvelopeBytes());
        String type = f.text("_type", 16);
        if (!type.equals("root")) {
            throw new MalformedMetadataException("root._type", "must be \"root\", not \"" + type + "\"");
        }
        long version = f.integer("version", 1, StrictJson.MAX_SAFE_INTEGER);
        Instant expires = f.instant("expires");
        StrictJson.Fields keysField = f.object("keys");
        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        for (String id : keysField.names(limits.maxKeys())) {
            StrictJson.Fields k = keysField.object(id);
            KeyAlgorithm alg;
            try {
                alg = KeyAlgorithm.fromId(k.text("algorithm", 16));
            } catch (IllegalArgumentException e) {
                throw new MalformedMetadataException("root.keys." + id + ".algorithm", "must be ed25519 or ecdsa-p256");
            }
            VerificationKey key;
            try {
                key = VerificationKey.fromSubjectPublicKeyInfo(Base64.getDecoder().decode(k.text("spki", 1024)));
            } catch (IllegalArgumentException | UnsupportedKeyException e) {
                throw new MalformedMetadataException("root.keys." + id + ".spki", "is not a supported public key", e);
            }
            k.end();
            if (key.algorithm() != alg) {
                throw new MalformedMetadataException("root.keys." + id + ".algorithm", "does not match the key");
            }
            if (!key.keyId().equals(id)) {
                throw new MalformedMetadataException("root.keys." + id, "key id is not the SHA-256 of the key");
            }
            for (VerificationKey seen : keys.values()) {
                if (seen.sameKey(key)) {
                    // Another encoding of a listed key: it would count twice toward a threshold.
                    throw new MalformedMetadataException("root.keys." + id, "is the same public key as "
                            + seen.keyId() + " in another encoding; a root lists each key once");
                }
            }
            keys.put(id, key);
        }
        keysField.end();
        StrictJson.Fields roles = f.object("roles");
        StrictJson.Fields root = roles.object("root");
        List<String> rootIds = root.distinctStrings("keyids", 1, limits.maxKeys());
        long rootThreshold = root.integer("threshold", 1, limits.maxKeys());
        root.end();
        StrictJson.Fields update = roles.object("update");
        List<String> updateIds = update.distinctStrings("keyids", 1, limits.maxKeys());
        long updateThreshold = update.integer("threshold", 1, limits.maxKeys());
        update.end();
        roles.end();
        f.end();
        try {
            return new Builder().build(version, expires, keys, rootIds, (int) rootThreshold, updateIds,
                    (int) updateThreshold);
        } catch (IllegalArgumentException e) {
            throw new MalformedMetadataException("root.roles", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RootMetadata[version=" + version + ", expires=" + expires + ", root=" + rootThreshold + "/"
                + rootKeyIds.size() + ", update=" + updateThreshold + "/" + updateKeyIds.size() + "]";
    }

    /** Builds a root; {@link #build()} checks every field. */
    public static final class Builder {
        private long version;
        private Instant expires;
        private final Map<String, VerificationKey> keys = new LinkedHashMap<>();
        private final List<String> rootKeyIds = new ArrayList<>();
        private final List<String> updateKeyIds = new ArrayList<>();
        private int rootThreshold;
        private int updateThreshold;

        private Builder() {
        }

        /**
         * Sets the root's version.
         *
         * @param version 1 to 2^53-1
         * @return this builder
         */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /**
         * Sets when the root stops being accepted.
         *
         * @param expires the expiry
         * @return this builder
         */
        public Builder expires(Instant expires) {
            this.expires = Objects.requireNonNull(expires, "expires");
            return this;
        }

        /**
         * Adds a key that may sign the next root.
         *
         * @param key the key
         * @return this builder
         */
        public Builder rootKey(VerificationKey key) {
            keys.put(key.keyId(), key);
            if (!rootKeyIds.contains(key.keyId())) {
                rootKeyIds.add(key.keyId());
            }
            return this;
        }

        /**
         * Adds a key that may sign update metadata.
         *
         * @param key the key
         * @return this builder
         */
        public Builder updateKey(VerificationKey key) {
            keys.put(key.keyId(), key);
            if (!updateKeyIds.contains(key.keyId())) {
                updateKeyIds.add(key.keyId());
            }
            return this;
        }

        /**
         * Sets how many distinct root keys must sign the next root.
         *
         * @param threshold 1 to the number of root keys
         * @return this builder
         */
        public Builder rootThreshold(int threshold) {
            this.rootThreshold = threshold;
            return this;
        }

        /**
         * Sets how many distinct update keys must sign update metadata.
         *
         * @param threshold 1 to the number of update keys
         * @return this builder
         */
        public Builder updateThreshold(int threshold) {
            this.updateThreshold = threshold;
            return this;
        }

        /**
         * Checks the fields and builds the root.
         *
         * @return the root
         * @throws IllegalArgumentException naming the first bad field, or two keys that are one public
         *     key in two encodings
         */
        public RootMetadata build() {
            return build(version, expires, keys, rootKeyIds, rootThreshold, updateKeyIds, updateThreshold);
        }

        RootMetadata build(long version, Instant expires, Map<String, VerificationKey> keys, List<String> rootIds,
                int rootThreshold, List<String> updateIds, int updateThreshold) {
            if (version < 1 || version > StrictJson.MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException("version must be between 1 and 2^53-1");
            }
            Objects.requireNonNull(expires, "expires");
            List<VerificationKey> distinct = new ArrayList<>();
            for (VerificationKey k : keys.values()) {
                for (VerificationKey seen : distinct) {
                    if (seen.sameKey(k)) {
                        throw new IllegalArgumentException("keys " + seen.keyId() + " and " + k.keyId()
                                + " are the same public key in two encodings; list each key once");
                    }
                }
                distinct.add(k);
            }
            checkRole("root", rootIds, rootThreshold, keys);
            checkRole("update", updateIds, updateThreshold, keys);
            return new RootMetadata(version, expires, keys, rootIds, rootThreshold, updateIds, updateThreshold);
        }

        private static void checkRole(String role, List<String> ids, int threshold, Map<String, VerificationKey> keys) {
            if (ids.isEmpty()) {
                throw new IllegalArgumentException(role + " role needs at least one key");
            }
            for (String id : ids) {
                if (!keys.containsKey(id)) {
                    throw new IllegalArgumentException(role + " role names unknown key " + id);
                }
            }
            if (threshold < 1 || threshold > ids.size()) {
                throw new IllegalArgumentException(role + " threshold must be between 1 and " + ids.size());
            }
        }
    }
}
