package io.devsec.storage.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK provider: 256-bit keys, 96-bit nonces, 128-bit tags, nothing else.
 * Sealed form: nonce (12) || ciphertext || tag (16). A fresh random nonce for every encryption.
 *
 * <p>An instance keeps a small pool of {@link Cipher} objects for one key; {@link #destroy()} wipes
 * the key copy it holds and re-keys the pooled ciphers with zeros so their key schedules are gone.
 * Thread-safe.
 */
public final class AesGcm {
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final byte[] key;
    private final RawKey keySpec;
    private final SecureRandom random;
    private final ConcurrentLinkedQueue<Cipher> pool = new ConcurrentLinkedQueue<>();
    /** One cipher kept outside the queue: a single reader takes and returns it without allocating a node. */
    private final AtomicReference<Cipher> spare = new AtomicReference<>();
    private volatile boolean destroyed;

    /** @param key 32 bytes, copied */
    public AesGcm(byte[] key, SecureRandom random) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key, got " + key.length + " bytes.");
        }
        this.key = key.clone();
        this.keySpec = new RawKey(this.key);
        this.random = random;
    }

    /** Encrypts with a fresh random nonce; returns nonce || ciphertext || tag. */
    public byte[] seal(byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] out = new byte[NONCE_LENGTH + plaintext.length + TAG_LENGTH];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        Cipher c = borrow();
        try {
            c.init(Cipher.ENCRYPT_MODE, keySpec, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (aad != null) {
                c.updateAAD(aad);
            }
            int n = c.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
            if (n != plaintext.length + TAG_LENGTH) {
                throw new IllegalStateException("AES-GCM produced " + n + " bytes");
            }
            giveBack(c);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts nonce || ciphertext || tag.
     *
     * @throws AEADBadTagException when the tag does not verify (wrong key, altered data or AAD)
     */
    public byte[] open(byte[] sealed, byte[] aad) throws AEADBadTagException {
        return open(sealed, 0, sealed.length, aad);
    }

    public byte[] open(byte[] sealed, int offset, int length, byte[] aad) throws AEADBadTagException {
        if (length < OVERHEAD) {
            throw new AEADBadTagException("sealed data shorter than nonce and tag");
        }
        Cipher c = borrow();
        try {
            c.init(Cipher.DECRYPT_MODE, keySpec, new GCMParameterSpec(TAG_LENGTH * 8, sealed, offset, NONCE_LENGTH));
            if (aad != null) {
                c.updateAAD(aad);
            }
            byte[] out = c.doFinal(sealed, offset + NONCE_LENGTH, length - NONCE_LENGTH);
            giveBack(c);
            return out;
        } catch (AEADBadTagException e) {
            giveBack(c);
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /** Single-shot encryption with an explicit nonce, for tests against published vectors. */
    public static byte[] encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        checkSizes(key, nonce);
        Cipher c = Cipher.getInstance(TRANSFORMATION);
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
    }

    /** Single-shot decryption of ciphertext || tag with an explicit nonce, for tests against published vectors. */
    public static byte[] decrypt(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag) throws GeneralSecurityException {
        checkSizes(key, nonce);
        if (ciphertextAndTag.length < TAG_LENGTH) {
            throw new AEADBadTagException("shorter than the tag");
        }
        Cipher c = Cipher.getInstance(TRANSFORMATION);
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        c.updateAAD(aad);
        return c.doFinal(ciphertextAndTag);
    }

    private static void checkSizes(byte[] key, byte[] nonce) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key, got " + key.length + " bytes.");
        }
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("AES-GCM nonce must be 12 bytes, got " + nonce.length + ".");
        }
    }

    private Cipher borrow() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        Cipher c = spare.getAndSet(null);
        if (c != null) {
            return c;
        }
        c = pool.poll();
        if (c != null) {
            return c;
        }
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is missing from this JDK", e);
        }
    }

    private void giveBack(Cipher c) {
        if (destroyed) {
            return;
        }
        if (!spare.compareAndSet(null, c) && pool.size() < 8) {
            pool.offer(c);
        }
        if (destroyed) {
            // destroy() ran while we returned it: make sure no keyed cipher stays behind.
            rekeyWithZeros(spare.getAndSet(null));
            Cipher p;
            while ((p = pool.poll()) != null) {
                rekeyWithZeros(p);
            }
        }
    }

    /**
     * A key whose only copy of the bytes is our array, so destroy() really wipes it; the JDK takes a
     * short-lived copy through getEncoded() on each init and wipes it itself (JDK 17).
     */
    private static final class RawKey implements javax.crypto.SecretKey {
        private static final long serialVersionUID = 1L;
        private final transient byte[] bytes;

        RawKey(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "AES-256 key <hidden>";
        }
    }

    /** Wipes the key copy and overwrites pooled ciphers' key schedules. Idempotent. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
        rekeyWithZeros(spare.getAndSet(null));
        Cipher c;
        while ((c = pool.poll()) != null) {
            rekeyWithZeros(c);
        }
    }

    private void rekeyWithZeros(Cipher c) {
        if (c == null) {
            return;
        }
        try {
            // A zero nonce, not a random one: nothing is ever encrypted under the all-zero key (this init only
            // overwrites the key schedule), and the random nonce seeded the SecureRandom's mixing PRNG (SHA1PRNG)
            // at every start just for the wipe after the master key unwrap. The JDK refuses an encryption init
            // only when both key and nonce equal the previous one; the previous key was the real one.
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[KEY_LENGTH], "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, new byte[NONCE_LENGTH]));
        } catch (GeneralSecurityException | RuntimeException ignored) {
            // best effort: the cipher is dropped either way
        }
    }
}
