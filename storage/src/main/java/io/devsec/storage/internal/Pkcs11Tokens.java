package io.devsec.storage.internal;

import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.WrongMasterKeyException;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.login.LoginException;
import org.codehaus.mojo.animal_sniffer.IgnoreJRERequirement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SunPKCS11 provider per token configuration, reused by every master key source and rollback
 * counter that names the same library and slot (a new provider per open would load the module and
 * open sessions again each time). The configuration text is built from validated values only.
 * Callers synchronize on the returned provider for a login-use-logout sequence.
 */
final class Pkcs11Tokens {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Tokens.class);
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Map<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

    private Pkcs11Tokens() {}

    /** The shared provider for {@code settings}' token. */
    // Provider.configure is Java 9+ (Android lacks it): Android has no SunPKCS11 provider, so the null
    // check below throws before configure is reached there.
    @IgnoreJRERequirement
    static Provider provider(Pkcs11Settings settings) throws IOException {
        String key = configBody(settings);
        Provider cached = PROVIDERS.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (PROVIDERS) {
            cached = PROVIDERS.get(key);
            if (cached != null) {
                return cached;
            }
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new IOException("The JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki).");
            }
            String config = settings.sunPkcs11Config().isPresent() ? key
                    : "--name = DevSec" + COUNT.incrementAndGet() + "\n" + key;
            Provider p;
            try {
                p = base.configure(config);
            } catch (RuntimeException e) {
                throw new IOException("The PKCS#11 provider could not be configured for " + settings + ": " + e.getMessage(), e);
            }
            PROVIDERS.put(key, p);
            return p;
        }
    }

    /**
     * The configuration for a library and slot (without the name line), or the absolute path of a
     * configuration file. Values are checked again here, not only in the settings builder.
     */
    static String configBody(Pkcs11Settings settings) {
        if (settings.sunPkcs11Config().isPresent()) {
            String path = settings.sunPkcs11Config().get().toAbsolutePath().toString();
            checkConfigValue(path, "sunPkcs11Config");
            return path;
        }
        String library = settings.library().get().toString();
        checkConfigValue(library, "library");
        StringBuilder c = new StringBuilder();
        c.append("library = \"").append(library).append("\"\n");
        if (settings.slot().isPresent()) {
            c.append("slot = ").append(settings.slot().getAsLong()).append('\n');
        } else if (settings.slotListIndex().isPresent()) {
            c.append("slotListIndex = ").append(settings.slotListIndex().getAsInt()).append('\n');
        }
        c.append("attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n")
                .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
        return c.toString();
    }

    /**
     * Refuses a value that could end the line or the quoted string it goes into and inject configuration
     * lines: control characters (newline), quotes, braces, '=' and a leading "--".
     */
    static void checkConfigValue(String value, String field) {
        if (value.isEmpty() || value.startsWith("--")) {
            throw new IllegalArgumentException(field + " must be a non-empty path.");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isISOControl(ch) || ch == '"' || ch == '{' || ch == '}' || ch == '=' || ch == '\\') {
                throw new IllegalArgumentException(field + " contains a character that is not allowed in a PKCS#11 "
                        + "configuration value (control character, quote, backslash, brace or '=').");
            }
        }
    }

    /** Logs in by loading the token's key store; caller holds the provider's monitor. */
    static KeyStore login(Provider provider, Pkcs11Settings settings) throws IOException, WrongMasterKeyException {
        char[] pin = settings.pin();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            try {
                ks.load(null, pin);
            } catch (IOException e) {
                if (hasCause(e, LoginException.class) || String.valueOf(e.getMessage()).contains("PIN")) {
                    throw new WrongMasterKeyException("PKCS#11 login to the token failed: wrong PIN or locked token ("
                            + settings + ").", e);
                }
                throw e;
            }
            return ks;
        } catch (WrongMasterKeyException e) {
            throw e;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("The PKCS#11 token could not be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ").", e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    static void logout(Provider provider) {
        if (provider instanceof AuthProvider) {
            try {
                ((AuthProvider) provider).logout();
            } catch (LoginException | RuntimeException e) {
                LOG.debug("PKCS#11 logout failed: {}", e.toString());
            }
        }
    }

    static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
