package io.devsec.storage.internal;

import io.devsec.storage.MasterKeySource;

/**
 * The built-in master key sources. The methods a keystore needs ({@link #newParameters}, {@link #wrap},
 * {@link #unwrap}) are part of the public {@link MasterKeySource} interface, so applications can plug in
 * sources of their own; this interface only marks the built-in ones.
 */
public interface MasterKeyBackend extends MasterKeySource {

    /** Largest accepted parameter block in a header. */
    int MAX_PARAMETERS_LENGTH = MasterKeySource.MAX_PARAMETERS_LENGTH;
}
