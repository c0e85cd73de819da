package io.devsec.storage.internal;

import io.devsec.storage.Argon2Parameters;
import io.devsec.storage.CorruptKeystoreException;
import io.devsec.storage.KeystoreException;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.WrongMasterKeyException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Master key from a passphrase through Argon2id (Bouncy Castle). The salt and cost parameters are
 * recorded in the keystore header at creation; opening uses the recorded ones, within
 * {@link Argon2Parameters}' bounds.
 */
public final class PassphraseSource implements MasterKeyBackend, Destroyable {
    static final int SALT_LENGTH = 16;
    static final int PARAMETERS_LENGTH = SALT_LENGTH + 12;

    private final char[] passphrase;
    private final Argon2Parameters parameters;
    private volatile boolean destroyed;

    private PassphraseSource(char[] passphrase, Argon2Parameters parameters) {
        this.passphrase = passphrase.clone();
        this.parameters = parameters;
    }

    public static PassphraseSource of(char[] passphrase, Argon2Parameters parameters) {
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(parameters, "parameters");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("passphrase must not be empty.");
        }
        return new PassphraseSource(passphrase, parameters);
    }

    @Override
    public Kind kind() {
        return Kind.PASSPHRASE;
    }

    @Override
    public byte[] newParameters(SecureRandom random) {
        ByteBuffer b = ByteBuffer.allocate(PARAMETERS_LENGTH);
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        b.put(salt).putInt(parameters.memoryKib()).putInt(parameters.iterations()).putInt(parameters.parallelism());
        return b.array();
    }

    @Override
    public byte[] wrap(byte[] params, byte[] dataKey, byte[] aad, KeystoreOptions options) throws KeystoreException {
        byte[] key = derive(params);
        AesGcm gcm = new AesGcm(key, new SecureRandom());
        try {
            return gcm.seal(dataKey, aad);
        } finally {
            Arrays.fill(key, (byte) 0);
            gcm.destroy();
        }
    }

    @Override
    public byte[] unwrap(byte[] params, byte[] wrapped, byte[] aad, KeystoreOptions options) throws KeystoreException {
        byte[] key = derive(params);
        AesGcm gcm = new AesGcm(key, new SecureRandom());
        try {
            return gcm.open(wrapped, aad);
        } catch (AEADBadTagException e) {
            throw new WrongMasterKeyException("The passphrase does not open this keystore.");
        } finally {
            Arrays.fill(key, (byte) 0);
            gcm.destroy();
        }
    }

    /** Parses and bounds-checks header parameters. */
    static Argon2Parameters parse(byte[] params) throws CorruptKeystoreException {
        if (params.length != PARAMETERS_LENGTH) {
            throw new CorruptKeystoreException("The keystore header's Argon2 parameters have " + params.length
                    + " bytes, expected " + PARAMETERS_LENGTH + ".");
        }
        ByteBuffer b = ByteBuffer.wrap(params, SALT_LENGTH, 12);
        int m = b.getInt();
        int t = b.getInt();
        int p = b.getInt();
        try {
            return Argon2Parameters.of(m, t, p);
        } catch (IllegalArgumentException e) {
            throw new CorruptKeystoreException("The keystore header's Argon2 parameters are out of bounds: " + e.getMessage());
        }
    }

    private byte[] derive(byte[] params) throws KeystoreException {
        Argon2Parameters p = parse(params);
        // The header checksum is not keyed, so anyone who can write the file can raise its costs: accept
        // no more than the larger of what the application asked for and DEFAULT before spending them.
        int maxMemory = Math.max(parameters.memoryKib(), Argon2Parameters.DEFAULT.memoryKib());
        int maxIterations = Math.max(parameters.iterations(), Argon2Parameters.DEFAULT.iterations());
        int maxLanes = Math.max(parameters.parallelism(), Argon2Parameters.DEFAULT.parallelism());
        if (p.memoryKib() > maxMemory || p.iterations() > maxIterations || p.parallelism() > maxLanes) {
            throw new CorruptKeystoreException("The keystore header asks for Argon2 costs " + p + " above the ceiling "
                    + "(memoryKib " + maxMemory + ", iterations " + maxIterations + ", parallelism " + maxLanes
                    + "); if the keystore was created with them, open it with MasterKeySource.passphrase(passphrase, "
                    + "parameters) giving them.");
        }
        byte[] salt = Arrays.copyOf(params, SALT_LENGTH);
        byte[] password = utf8();
        try {
            return argon2id(password, salt, p);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** Argon2id (version 1.3), 32 bytes of output. */
    public static byte[] argon2id(byte[] password, byte[] salt, Argon2Parameters p) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                        org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .build());
        byte[] out = new byte[32];
        gen.generateBytes(password, out);
        return out;
    }

    private byte[] utf8() {
        if (destroyed) {
            throw new IllegalStateException("This passphrase master key source was destroyed.");
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return out;
    }

    /** Wipes this source's copy of the passphrase. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(passphrase, '\0');
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "MasterKeySource.passphrase(<hidden>, " + parameters + ")";
    }
}
