package io.devsec.update;

/**
 * Update metadata that {@link UpdateVerifier#verifyMetadata} accepted: signed by a threshold of the
 * trusted root's update keys, unexpired, for this hardware and newer than the installed version
 * and the rollback floor. Only the verifier creates one; the image is still to be checked with
 * {@link UpdateVerifier#copyImage}.
 */
public final class VerifiedUpdate {
    private final UpdateMetadata metadata;
    private final long rootVersion;
    private final byte[] envelope;

    VerifiedUpdate(UpdateMetadata metadata, long rootVersion, byte[] envelope) {
        this.metadata = metadata;
        this.rootVersion = rootVersion;
        this.envelope = envelope.clone();
    }

    /**
     * The verified update metadata.
     *
     * @return the metadata
     */
    public UpdateMetadata metadata() {
        return metadata;
    }

    /**
     * The version of the root whose update keys signed it.
     *
     * @return the root version
     */
    public long rootVersion() {
        return rootVersion;
    }

    /**
     * A copy of the envelope as received, to keep beside the installed image.
     *
     * @return the envelope bytes
     */
    public byte[] envelope() {
        return envelope.clone();
    }

    @Override
    public String toString() {
        return "VerifiedUpdate[" + metadata + ", root " + rootVersion + "]";
    }
}
