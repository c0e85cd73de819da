package io.devsec.core;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One part's view of the device keystore: the same encrypted file, limited to the entry names under the part's
 * prefixes ({@code "auth/"}, {@code "identity/"}, ...; a prefix ending in {@code /} is a subtree, any other
 * string one exact entry name lent by another part). A name outside them is refused with
 * {@link IllegalArgumentException}, so a part cannot read or write another part's entries by mistake;
 * {@link #names()} lists only the part's own entries. The entry names on disk are unchanged.
 *
 * <p>A slice does not own the keystore: {@link #close()} does nothing, the facade closes the keystore.
 */
final class KeystoreSlice implements Keystore {

    private final Keystore keystore;
    private final List<String> prefixes;

    KeystoreSlice(Keystore keystore, String... prefixes) {
        this.keystore = Objects.requireNonNull(keystore, "keystore");
        if (prefixes.length == 0) {
            throw new IllegalArgumentException("a slice needs at least one prefix");
        }
        for (String p : prefixes) {
            if (p == null || p.length() < 2 || p.startsWith("/")) {
                throw new IllegalArgumentException("not a slice prefix or entry name: " + p);
            }
        }
        this.prefixes = Collections.unmodifiableList(new ArrayList<>(Arrays.asList(prefixes)));
    }

    /** The prefixes this slice may use. */
    List<String> prefixes() {
        return prefixes;
    }

    /** Whether {@code name} lies in this slice. */
    boolean owns(String name) {
        for (String p : prefixes) {
            if (p.endsWith("/") ? name.startsWith(p) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private String check(String name) {
        Objects.requireNonNull(name, "name");
        if (!owns(name)) {
            throw new IllegalArgumentException("keystore entry " + name + " is outside this part's slice " + prefixes);
        }
        return name;
    }

    /**
     * An editor of a batch opened on the whole keystore (by the facade, for a change spanning several parts in
     * one durable write), limited to this slice.
     */
    Editor within(Editor editor) {
        Objects.requireNonNull(editor, "editor");
        return new Editor() {
            @Override
            public Editor putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain) throws KeystoreException {
                editor.putPrivateKey(check(name), key, chain);
                return this;
            }

            @Override
            public Editor putSecret(String name, byte[] secret) throws KeystoreException {
                editor.putSecret(check(name), secret);
                return this;
            }

            @Override
            public Editor advanceCounter(String name, long value) throws KeystoreException {
                editor.advanceCounter(check(name), value);
                return this;
            }

            @Override
            public Editor delete(String name) throws KeystoreException {
                editor.delete(check(name));
                return this;
            }
        };
    }

    @Override
    public Path file() {
        return keystore.file();
    }

    @Override
    public boolean created() {
        return keystore.created();
    }

    @Override
    public MasterKeySource.Kind masterKeyKind() {
        return keystore.masterKeyKind();
    }

    @Override
    public long version() {
        return keystore.version();
    }

    @Override
    public boolean rollbackProtected() {
        return keystore.rollbackProtected();
    }

    @Override
    public Set<String> names() {
        Set<String> own = new TreeSet<>();
        for (String n : keystore.names()) {
            if (owns(n)) {
                own.add(n);
            }
        }
        return Collections.unmodifiableSet(own);
    }

    @Override
    public boolean contains(String name) {
        return keystore.contains(check(name));
    }

    @Override
    public void putPrivateKey(String name, PrivateKey key, List<X509Certificate> chain) throws IOException, KeystoreException {
        keystore.putPrivateKey(check(name), key, chain);
    }

    @Override
    public void putCertificateChain(String name, List<X509Certificate> chain) throws IOException, KeystoreException {
        keystore.putCertificateChain(check(name), chain);
    }

    @Override
    public Optional<PrivateKey> privateKey(String name) throws KeystoreException {
        return keystore.privateKey(check(name));
    }

    @Override
    public List<X509Certificate> certificateChain(String name) throws KeystoreException {
        return keystore.certificateChain(check(name));
    }

    @Override
    public List<byte[]> certificateChainEncoded(String name) throws KeystoreException {
        return keystore.certificateChainEncoded(check(name));
    }

    @Override
    public void putSecret(String name, byte[] secret) throws IOException, KeystoreException {
        keystore.putSecret(check(name), secret);
    }

    @Override
    public Optional<byte[]> secret(String name) throws KeystoreException {
        return keystore.secret(check(name));
    }

    @Override
    public long counter(String name) throws KeystoreException {
        return keystore.counter(check(name));
    }

    @Override
    public void advanceCounter(String name, long value) throws IOException, KeystoreException {
        keystore.advanceCounter(check(name), value);
    }

    @Override
    public long incrementCounter(String name) throws IOException, KeystoreException {
        return keystore.incrementCounter(check(name));
    }

    @Override
    public boolean delete(String name) throws IOException, KeystoreException {
        return keystore.delete(check(name));
    }

    @Override
    public void batch(Batch changes) throws IOException, KeystoreException {
        Objects.requireNonNull(changes, "changes");
        keystore.batch(ed -> changes.apply(within(ed)));
    }

    /** Does nothing: the facade owns and closes the keystore. */
    @Override
    public void close() {
        // the keystore is the facade's
    }

    @Override
    public String toString() {
        return "KeystoreSlice" + prefixes;
    }
}
