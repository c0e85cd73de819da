package io.devsec.update;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the device looks for updates (MQTT, HTTP, a file: the channel is the application's).
 * What it returns is untrusted until {@link UpdateAgent} has verified it.
 */
public interface UpdateSource {

    /**
     * The newest offer for a device running {@code installedVersion}, if there is one.
     *
     * @param installedVersion the version the device runs
     * @return the offer, or empty when there is nothing newer
     * @throws IOException when the source cannot be reached
     */
    Optional<UpdateOffer> poll(long installedVersion) throws IOException;
}
