package io.devsec.update;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** An untrusted offer: newer roots to walk through (oldest first), update metadata and the image. */
public final class UpdateOffer {
    /** Opens the image stream; called once, after the metadata verified. */
    public interface ImageOpener {
        /**
         * Opens the image.
         *
         * @return a stream over the image
         * @throws IOException when the image cannot be opened
         */
        InputStream open() throws IOException;
    }

    private final List<byte[]> rootChain;
    private final byte[] metadata;
    private final ImageOpener image;

    private UpdateOffer(List<byte[]> rootChain, byte[] metadata, ImageOpener image) {
        List<byte[]> copy = new ArrayList<>();
        for (byte[] r : rootChain) {
            copy.add(r.clone());
        }
        this.rootChain = Collections.unmodifiableList(copy);
        this.metadata = metadata.clone();
        this.image = image;
    }

    /**
     * An offer.
     *
     * @param rootChain root envelopes newer than the device may know, oldest first; may be empty
     * @param metadataEnvelope the update metadata envelope
     * @param image opens the image, once the metadata verified
     * @return the offer
     */
    public static UpdateOffer of(List<byte[]> rootChain, byte[] metadataEnvelope, ImageOpener image) {
        return new UpdateOffer(Objects.requireNonNull(rootChain, "rootChain"),
                Objects.requireNonNull(metadataEnvelope, "metadataEnvelope"), Objects.requireNonNull(image, "image"));
    }

    /**
     * Root envelopes newer than the device may know, oldest first; may be empty.
     *
     * @return the root envelopes
     */
    public List<byte[]> rootChain() {
        return rootChain;
    }

    /**
     * A copy of the update metadata envelope.
     *
     * @return the envelope bytes
     */
    public byte[] metadataEnvelope() {
        return metadata.clone();
    }

    /**
     * Opens the image stream.
     *
     * @return a stream over the image
     * @throws IOException when the image cannot be opened
     */
    public InputStream openImage() throws IOException {
        return image.open();
    }
}
