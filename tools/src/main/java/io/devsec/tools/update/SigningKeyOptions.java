package io.devsec.tools.update;

import io.devsec.tools.Secrets;
import io.devsec.update.UnsupportedKeyException;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How {@code root create}, {@code root rotate} and {@code sign} reach their signing keys: PKCS#8 files
 * (passphrase from standard input, an environment variable or a prompt) and keys in a PKCS#11 token
 * ({@code --sign-with pkcs11:ALIAS} with {@code --pkcs11-config}, PIN likewise).
 *
 * <p>Token keys sign through SunPKCS11: ECDSA P-256 works (tested with SoftHSM2); SunPKCS11 on Java 17
 * registers no Ed25519 signature or key-pair generator (checked against SoftHSM2 2.6.1 on 17.0.15), so an
 * Ed25519 key in a token cannot sign through it there.
 */
public final class SigningKeyOptions {
    /** Prefix of a {@code --sign-with} value naming a key in the PKCS#11 token. */
    static final String PKCS11_PREFIX = "pkcs11:";

    @Option(names = "--passphrase-stdin",
            description = "Read the passphrase of each encrypted key file from standard input, one line per"
                    + " encrypted key in --sign-with order (after the PIN when --pin-stdin is given too).")
    boolean passphraseStdin;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Take the passphrase of the encrypted key files from environment variable VAR"
                    + " (repeat for one variable per encrypted key, in --sign-with order)."
                    + " Without either option, a terminal prompt asks.")
    List<String> passphraseEnv = new ArrayList<>();

    @Option(names = "--pkcs11-config", paramLabel = "FILE",
            description = "SunPKCS11 configuration of the token holding the pkcs11:ALIAS keys"
                    + " (name = ..., library = /usr/lib/softhsm/libsofthsm2.so, slot or slotListIndex). EC P-256 keys:"
                    + " SunPKCS11 on Java 17 offers no Ed25519 signatures. A key is found only with its certificate.")
    Path pkcs11Config;

    @Option(names = "--pin-stdin", description = "Read the token's user PIN from the first line of standard input.")
    boolean pinStdin;

    @Option(names = "--pin-env", paramLabel = "VAR",
            description = "Take the token's user PIN from environment variable VAR. Without either, a terminal prompt asks.")
    String pinEnv;

    /**
     * Options for a command whose own {@code --passphrase-*} options mean something else (e.g. {@code devsec report},
     * where they give the keystore passphrase), so it cannot mix this class in and names its own options.
     *
     * @param passphraseEnv environment variable with the key file's passphrase, or null
     * @param passphraseStdin read the key file's passphrase from standard input
     * @param pkcs11Config SunPKCS11 configuration for pkcs11:ALIAS keys, or null
     * @param pinEnv environment variable with the token's PIN, or null
     * @param pinStdin read the token's PIN from standard input
     * @return the options
     */
    public static SigningKeyOptions of(String passphraseEnv, boolean passphraseStdin, Path pkcs11Config,
            String pinEnv, boolean pinStdin) {
        SigningKeyOptions o = new SigningKeyOptions();
        if (passphraseEnv != null) {
            o.passphraseEnv.add(passphraseEnv);
        }
        o.passphraseStdin = passphraseStdin;
        o.pkcs11Config = pkcs11Config;
        o.pinEnv = pinEnv;
        o.pinStdin = pinStdin;
        return o;
    }

    /**
     * Loads the keys named by {@code --sign-with}: a path to a PKCS#8 file, or {@code pkcs11:ALIAS}.
     *
     * @param cl the command, for usage errors
     * @param signWith the values of --sign-with
     * @return the keys, in order
     * @throws IOException when a key cannot be read or found
     */
    public List<SigningKey> load(CommandLine cl, List<String> signWith) throws IOException {
        List<SigningKey> keys = new ArrayList<>();
        KeyStore token = null;
        Provider provider = null;
        if (pinEnv != null && pinStdin) {
            throw new CommandLine.ParameterException(cl, "give the PIN by --pin-env or --pin-stdin, not both");
        }
        if (!passphraseEnv.isEmpty() && passphraseStdin) {
            throw new CommandLine.ParameterException(cl, "give passphrases by --passphrase-env or --passphrase-stdin,"
                    + " not both");
        }
        int[] encryptedSeen = {0};
        for (String s : signWith) {
            if (s.startsWith(PKCS11_PREFIX)) {
                String alias = s.substring(PKCS11_PREFIX.length());
                if (pkcs11Config == null) {
                    throw new CommandLine.ParameterException(cl, "--sign-with " + s + " needs --pkcs11-config");
                }
                if (token == null) {
                    provider = configure(pkcs11Config);
                    char[] pin = Secrets.read(cl, "PIN of the PKCS#11 token", pinEnv, pinStdin, false);
                    try {
                        token = KeyStore.getInstance("PKCS11", provider);
                        token.load(null, pin);
                    } catch (Exception e) {
                        throw new IOException("cannot open the PKCS#11 token (" + pkcs11Config + "): "
                                + rootMessage(e), e);
                    } finally {
                        Arrays.fill(pin, '\0');
                    }
                }
                keys.add(fromToken(token, provider, alias));
            } else {
                keys.add(SigningKey.read(Paths.get(s), file -> {
                    int i = encryptedSeen[0]++;
                    if (!passphraseEnv.isEmpty()) {
                        if (i >= passphraseEnv.size() && passphraseEnv.size() > 1) {
                            throw new CommandLine.ParameterException(cl, "more encrypted keys than --passphrase-env"
                                    + " variables (" + passphraseEnv.size() + ")");
                        }
                        String var = passphraseEnv.get(Math.min(i, passphraseEnv.size() - 1));
                        return Secrets.read(cl, "passphrase for " + file, var, false, false);
                    }
                    return Secrets.read(cl, "passphrase for " + file, null, passphraseStdin, false);
                }));
            }
        }
        return keys;
    }

    private static Provider configure(Path config) throws IOException {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IOException("this JVM has no SunPKCS11 provider");
        }
        try {
            return base.configure(config.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new IOException("cannot load the PKCS#11 configuration " + config + ": " + rootMessage(e), e);
        }
    }

    private static SigningKey fromToken(KeyStore token, Provider provider, String alias) throws IOException {
        try {
            if (!token.isKeyEntry(alias)) {
                throw new IOException("no private key '" + alias + "' in the PKCS#11 token (SunPKCS11 lists a key only"
                        + " with its certificate); entries: " + Collections.list(token.aliases()));
            }
            PrivateKey key = (PrivateKey) token.getKey(alias, null);
            Certificate cert = token.getCertificate(alias);
            return SigningKey.held(key, cert.getPublicKey(), provider);
        } catch (UnsupportedKeyException e) {
            throw new IOException("the PKCS#11 key '" + alias + "' is not Ed25519 or EC P-256: " + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot use the PKCS#11 key '" + alias + "': " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
