package io.devsec.update;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the device looks for updates (MQTT, HTTP, a file: the channel is the application's).
 * What it returns is untrusted until {@link UpdateAgent} has verified it.
 */
public interface UpdateSource {

    /** The newest offer for a device running {@code installedVersion}, if there is one. */
    Optional<UpdateOffer> poll(long installedVersion) throws IOException;
}
