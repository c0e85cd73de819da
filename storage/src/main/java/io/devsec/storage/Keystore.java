package io.devsec.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An encrypted, crash-safe store of a device's credentials and security-sensitive data:
 * private keys with their certificate chains, secret bytes and counters that only go up, each under a name.
 *
 * <p><b>Rollback.</b> The whole-file MAC proves the file authentic, not that it is the latest: without
 * {@link KeystoreOptions.Builder#rollbackProtection rollback protection}, putting back an older copy of
 * the file is <b>not detected</b>, and a counter only goes up within one file. With it, every write
 * raises the file's {@link #version()} and a counter in a PKCS#11 token or a TPM, and opening an older
 * copy fails with {@link KeystoreRollbackException}.
 *
 * <p>Every entry is sealed with AES-256-GCM (random 96-bit nonces) under an entry key derived with
 * HKDF-SHA256 from a data key that the {@link MasterKeySource} protects and a random salt in the file;
 * the entry key is replaced, and every entry re-sealed, before it has sealed 2^31 values, far below the
 * 2^32 limit for random nonces. The entry name and the format version are bound as associated data. Every change is
 * durable when the method returns: the file is rewritten through a temporary file in the same
 * folder, fsynced, renamed over the old file, and the folder is fsynced. A crash at any instant
 * leaves the old or the new content, never a mix.
 *
 * <p>A keystore is thread-safe. One process at a time may hold it open: a second opener gets a
 * {@link KeystoreInUseException}. {@link #close()} wipes the key material held in memory.
 *
 * <p>Names are 1 to 128 characters of {@code [A-Za-z0-9._/-]}; another name is an
 * {@link IllegalArgumentException}. Reading an entry as another type than it was stored as (a secret
 * as a counter, say) is an {@link IllegalArgumentException} too. A counter can never be deleted or
 * replaced by another type: that is a {@link CounterRollbackException}. Values are limited to 1 MiB
 * per entry and the file to 64 MiB. Every method of a closed keystore, except {@link #close()},
 * {@link #file()}, {@link #created()} and {@link #masterKeyKind()}, throws {@link IllegalStateException}.
 *
 * <p>Cost: a read is one in-memory AES-GCM decryption; a write seals the changed entries, rewrites
 * the file and fsyncs it and its folder (about two fsyncs).
 */
public interface Keystore extends Closeable {

    /**
     * Opens the keystore at {@code file}, creating it (and its folder, owner-only) when absent.
     *
     * <p>Checks, in this order: the folder and file are not writable (folder) or readable (file) by
     * group or others; the lock is free; the file starts with the magic; its format version is one
     * this library reads; its header checksum holds; its master-key kind matches {@code masterKey};
     * the master key unwraps the data key; the whole-file MAC holds; every length is within bounds.
     *
     * <p>In every failure case the keystore file is left exactly as it was: never repaired, never replaced.
     *
     * @param file the keystore file
     * @param masterKey where the master key comes from
     * @return the open keystore; close it to wipe the keys in memory and release the lock
     * @throws NotAKeystoreException when the file does not start with the keystore magic
     * @throws UnsupportedFormatVersionException when the file has another format version
     * @throws CorruptKeystoreException when the file is truncated, altered, spliced or out of bounds
     * @throws WrongMasterKeyException when {@code masterKey} does not open it (other kind, other key,
     *     wrong passphrase or PIN, missing device secret file)
     * @throws WeakMasterKeyException when the device secret file holds fewer than 32 bytes
     * @throws InsecurePermissionsException when group or others can read the file or write the folder
     *     (see {@link KeystoreOptions.Builder#insecureAllowLoosePermissions(boolean)})
     * @throws KeystoreInUseException when another process, or another open {@code Keystore} in this
     *     JVM, holds it
     * @throws KeystoreRollbackException when rollback protection is configured and the file is an older
     *     copy than its counter records (or is not bound to a counter that is in use)
     * @throws RollbackProtectionRequiredException when the file is bound to a rollback counter and
     *     none is configured
     * @throws IOException when the file cannot be read or written
     *
     * <p>In every failure case the keystore file is left exactly as it was: never repaired, never replaced.
     * One exception: when an existing keystore is first bound to a rollback counter and the counter fails
     * after the first write, the file stays bound (version 0) and the next open completes the binding.
     */
    static Keystore open(Path file, MasterKeySource masterKey) throws IOException, KeystoreException {
        return open(file, masterKey, KeystoreOptions.DEFAULT);
    }

    /**
     * As {@link #open(Path, MasterKeySource)}, with options (rollback protection, permissions). A file of
     * format version 1 is read and rewritten in the current format.
     *
     * @param file the keystore file
     * @param masterKey the master key source
     * @param options the options
     * @return the open keystore
     * @throws IOException as {@link #open(Path, MasterKeySource)}
     * @throws KeystoreException as {@link #open(Path, MasterKeySource)}
     */
    static Keystore open(Path file, MasterKeySource masterKey, KeystoreOptions options)
            throws IOException, KeystoreException {
        return io.devsec.storage.internal.FileKeystore.open(file, masterKey, options);
    }

    /**
     * The file this keystore lives in.
     *
     * @return the file
     */
    Path file();

    /**
     * Whether this {@link #open} call created the keystore (a device's first start).
     *
     * @return true when the keystore was created by this open
     */
    boolean created();

    /**
     * The kind of master key that protects this keystore.
     *
     * @return the kind
     */
    MasterKeySource.Kind masterKeyKind();

    /**
     * The file's version: raised by every durable write, and recorded in the rollback counter when
     * there is one.
     *
     * @return the version of the last durable write
     */
    long version();

    /** @return whether this keystore is bound to a {@link RollbackProtection} counter */
    boolean rollbackProtected();

    /**
     * The names of all entries, in no particular order; an unmodifiable snapshot.
     *
     * @return the entry names at the time of the call
     */
    Set<String> names();

    /**
     * Whether an entry of that name exists.
     *
     * @param name the entry's name
     * @return true when it exists
     */
    boolean contains(String name);

    /**
     * Stores a private key and its certificate chain (leaf first), replacing any entry of that name.
     *
     * @param name the entry's name
     * @param key the private key
     * @param chain its certificate chain, leaf first (may be empty)
     * @throws IOException when the file cannot be written (the keystore is then unchanged)
     * @throws KeystoreException when the change is refused (a closed keystore throws {@link IllegalStateException})
     */
    void putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain) throws IOException, KeystoreException;

    /**
     * Replaces the certificate chain of an existing private-key entry.
     *
     * @param name the private-key entry's name
     * @param chain the new chain, leaf first
     * @throws IOException when the file cannot be written (the keystore is then unchanged)
     * @throws KeystoreException when the change is refused (a closed keystore throws {@link IllegalStateException})
     */
    void putCertificateChain(String name, List<X509Certificate> chain) throws IOException, KeystoreException;

    /**
     * The private key of an entry.
     *
     * @param name the entry's name
     * @return the key, or empty when there is no private-key entry of that name
     * @throws KeystoreException when the entry fails authentication or cannot be decoded
     */
    Optional<PrivateKey> privateKey(String name) throws KeystoreException;

    /**
     * The certificate chain stored with a private key, leaf first; empty when there is none.
     *
     * @param name the private-key entry's name
     * @return the chain
     * @throws KeystoreException when the entry fails authentication or the chain cannot be decoded
     */
    List<X509Certificate> certificateChain(String name) throws KeystoreException;

    /**
     * The certificate chain stored with a private key as DER, leaf first, without parsing it: for a caller
     * that needs only bytes of it at start (a {@link java.security.cert.CertificateFactory} parse initialises
     * the JDK's X.509 and EC key code and its security-event logger). The bytes are those the entry was
     * authenticated with; they are not checked to be well-formed certificates.
     *
     * @param name the private-key entry's name
     * @return the chain's DER encodings (fresh arrays), or empty when there is no private-key entry of that name
     * @throws KeystoreException when the entry fails authentication or cannot be decoded
     */
    default List<byte[]> certificateChainEncoded(String name) throws KeystoreException {
        List<X509Certificate> chain = certificateChain(name);
        List<byte[]> encoded = new java.util.ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            try {
                encoded.add(c.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new CorruptKeystoreException("A stored certificate of '" + name + "' cannot be encoded.", e);
            }
        }
        return java.util.Collections.unmodifiableList(encoded);
    }

    /**
     * Stores a copy of {@code secret}; the caller keeps ownership of (and wipes) its array.
     *
     * @param name the entry's name
     * @param secret the secret bytes
     * @throws IOException when the file cannot be written (the keystore is then unchanged)
     * @throws KeystoreException when the change is refused (a closed keystore throws {@link IllegalStateException})
     */
    void putSecret(String name, byte[] secret) throws IOException, KeystoreException;

    /**
     * A fresh copy of a secret, which the caller should wipe after use.
     *
     * @param name the entry's name
     * @return a copy of the secret, or empty when there is no secret of that name
     * @throws KeystoreException when the entry fails authentication ({@link CorruptKeystoreException})
     */
    Optional<byte[]> secret(String name) throws KeystoreException;

    /**
     * The value of a counter; 0 when it was never set. It never goes down within this file; across a
     * restored copy of the file only with rollback protection (see the class comment).
     *
     * @param name the counter's name
     * @return the counter's value, 0 when there is no entry of that name
     * @throws CorruptKeystoreException when the stored counter fails authentication or is malformed
     * @throws KeystoreException when the counter cannot be read
     * @throws IllegalArgumentException when the entry of that name is not a counter, or the name is invalid
     * @throws IllegalStateException when the keystore is closed
     */
    long counter(String name) throws KeystoreException;

    /**
     * Raises a counter to {@code value} (never lowers it).
     *
     * @param name the counter's name
     * @param value the new value, not lower than the stored one
     * @throws CounterRollbackException when {@code value} is lower than the stored value
     * @throws IOException when the file cannot be written (the keystore is then unchanged)
     * @throws KeystoreException when the change is refused (a closed keystore throws {@link IllegalStateException})
     */
    void advanceCounter(String name, long value) throws IOException, KeystoreException;

    /**
     * Adds one to a counter and returns the new value; a counter never set goes from 0 to 1.
     *
     * @param name the counter's name
     * @return the counter's value after the increment
     * @throws IOException when the file cannot be written (the keystore is then unchanged), or when the change
     *     is durable but the rollback counter could not be advanced (retried before the next write)
     * @throws CounterRollbackException when the counter is already at {@link Long#MAX_VALUE}
     * @throws KeystoreException when the stored counter cannot be read (for example
     *     {@link CorruptKeystoreException})
     * @throws IllegalArgumentException when the entry of that name is not a counter, or the name is invalid
     * @throws IllegalStateException when the keystore is closed
     */
    long incrementCounter(String name) throws IOException, KeystoreException;

    /**
     * Removes an entry; returns whether there was one. Counters cannot be deleted.
     *
     * @param name the entry's name
     * @return true when an entry was removed
     * @throws IOException when the file cannot be written (the keystore is then unchanged)
     * @throws KeystoreException when the change is refused (a closed keystore throws {@link IllegalStateException})
     */
    boolean delete(String name) throws IOException, KeystoreException;

    /**
     * Applies several changes in one durable write: all of them or none survive a crash.
     * Counters advanced in the batch obey the same never-lower rule.
     *
     * @param changes makes the changes on the {@link Editor} it is given
     * @throws IOException when the file cannot be written (the keystore is then unchanged), or when the change
     *     is durable but the rollback counter could not be advanced (retried before the next write)
     * @throws KeystoreException when {@code changes} throws it (a change was refused); nothing is then written
     * @throws IllegalStateException when the keystore is closed
     */
    void batch(Batch changes) throws IOException, KeystoreException;

    /** The changes of one {@link #batch} call. */
    interface Batch {
        /**
         * Makes the changes.
         *
         * @param editor collects the changes
         * @throws KeystoreException when a change is refused; the batch then writes nothing
         */
        void apply(Editor editor) throws KeystoreException;
    }

    /** Collects changes inside {@link #batch}; nothing is written until the batch returns. */
    interface Editor {
        /**
         * As {@link Keystore#putPrivateKey}, inside the batch.
         *
         * @param name the entry's name
         * @param key the private key
         * @param chain its certificate chain, leaf first
         * @return this editor
         * @throws KeystoreException when the change is refused
         */
        Editor putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain) throws KeystoreException;

        /**
         * As {@link Keystore#putSecret}, inside the batch.
         *
         * @param name the entry's name
         * @param secret the secret bytes (copied)
         * @return this editor
         * @throws KeystoreException when the change is refused
         */
        Editor putSecret(String name, byte[] secret) throws KeystoreException;

        /**
         * As {@link Keystore#advanceCounter}, inside the batch.
         *
         * @param name the counter's name
         * @param value the new value
         * @return this editor
         * @throws KeystoreException when the change is refused (for example {@link CounterRollbackException})
         */
        Editor advanceCounter(String name, long value) throws KeystoreException;

        /**
         * As {@link Keystore#delete}, inside the batch.
         *
         * @param name the entry's name
         * @return this editor
         * @throws KeystoreException when the change is refused
         */
        Editor delete(String name) throws KeystoreException;
    }

    /** Wipes the key material held in memory and releases the file lock. Idempotent. */
    @Override
    void close();
}
