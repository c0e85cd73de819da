package io.devsec.storage.internal;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.nio.file.Path;

/** The keystore file: header, sealed entries, whole-file MAC. */
public final class FileKeystore {
    private FileKeystore() {}

    public static Keystore open(Path file, MasterKeySource masterKey, KeystoreOptions options)
            throws IOException, KeystoreException {
        throw new UnsupportedOperationException("work in progress");
    }
}
