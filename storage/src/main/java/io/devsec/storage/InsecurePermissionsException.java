package io.devsec.storage;

/** The keystore file or folder is readable or writable by others; refused unless KeystoreOptions allow it by its insecure option. */
public final class InsecurePermissionsException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public InsecurePermissionsException(String message) {
        super(message);
    }

    public InsecurePermissionsException(String message, Throwable cause) {
        super(message, cause);
    }
}
