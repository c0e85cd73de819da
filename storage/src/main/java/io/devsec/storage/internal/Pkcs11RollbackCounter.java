package io.devsec.storage.internal;

import io.devsec.storage.Pkcs11Settings;
import io.devsec.storage.RollbackProtection;
import io.devsec.storage.WrongMasterKeyException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.KeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollback counter in a PKCS#11 token, through the JDK's SunPKCS11 key store (which offers no data
 * objects): the value is the label of a small, sensitive, non-extractable AES key,
 * {@code <prefix>.<decimal value>}. Advancing creates the new label before deleting the older ones, so
 * a crash leaves the old value or the new one, and the highest label wins. Lowering it needs the PIN.
 */
public final class Pkcs11RollbackCounter implements RollbackProtection {
    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11RollbackCounter.class);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,48}");

    private final Pkcs11Settings settings;
    private final String prefix;

    private Pkcs11RollbackCounter(Pkcs11Settings settings, String prefix) {
        this.settings = settings;
        this.prefix = prefix;
    }

    /**
     * @param settings how to reach the token
     * @param labelPrefix 1 to 48 characters of {@code [A-Za-z0-9_-]}
     * @return the counter
     */
    public static Pkcs11RollbackCounter of(Pkcs11Settings settings, String labelPrefix) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(labelPrefix, "labelPrefix");
        if (!PREFIX.matcher(labelPrefix).matches()) {
            throw new IllegalArgumentException("labelPrefix must be 1 to 48 characters of [A-Za-z0-9_-].");
        }
        return new Pkcs11RollbackCounter(settings, labelPrefix);
    }

    @Override
    public long read() throws IOException {
        Provider provider = Pkcs11Tokens.provider(settings);
        synchronized (provider) {
            try {
                KeyStore ks = login(provider);
                return max(values(ks));
            } catch (GeneralSecurityException | ProviderException e) {
                throw new IOException("The PKCS#11 rollback counter '" + prefix + "' could not be read ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
            } finally {
                Pkcs11Tokens.logout(provider);
            }
        }
    }

    @Override
    public long advanceTo(long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("value must not be negative, got " + value + ".");
        }
        Provider provider = Pkcs11Tokens.provider(settings);
        synchronized (provider) {
            try {
                KeyStore ks = login(provider);
                List<Long> values = values(ks);
                long current = max(values);
                if (current >= value) {
                    return current;
                }
                KeyGenerator kg = KeyGenerator.getInstance("AES", provider);
                kg.init(128);
                ks.setKeyEntry(prefix + "." + value, kg.generateKey(), null, null);
                if (ks.getKey(prefix + "." + value, null) == null) {
                    throw new IOException("The PKCS#11 token did not keep the rollback counter value " + value + ".");
                }
                for (long old : values) {
                    try {
                        ks.deleteEntry(prefix + "." + old);
                    } catch (GeneralSecurityException | ProviderException e) {
                        LOG.debug("Could not delete the old counter label {}.{}: {}", prefix, old, e.toString());
                    }
                }
                return value;
            } catch (GeneralSecurityException | ProviderException e) {
                throw new IOException("The PKCS#11 rollback counter '" + prefix + "' could not be advanced to "
                        + value + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
            } finally {
                Pkcs11Tokens.logout(provider);
            }
        }
    }

    private KeyStore login(Provider provider) throws IOException {
        try {
            return Pkcs11Tokens.login(provider, settings);
        } catch (WrongMasterKeyException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The values of every label of this counter (normally one; two after a crash inside advanceTo). */
    private List<Long> values(KeyStore ks) throws GeneralSecurityException {
        List<Long> out = new ArrayList<>();
        String start = prefix + ".";
        for (String alias : Collections.list(ks.aliases())) {
            if (alias.startsWith(start) && alias.length() > start.length() && alias.length() <= start.length() + 18) {
                String digits = alias.substring(start.length());
                boolean ok = true;
                for (int i = 0; i < digits.length(); i++) {
                    ok &= digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
                }
                if (ok) {
                    out.add(Long.parseLong(digits));
                }
            }
        }
        return out;
    }

    private static long max(List<Long> values) {
        long max = NEVER_SET;
        for (long v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    @Override
    public String description() {
        return "PKCS#11 token counter '" + prefix + "'";
    }

    @Override
    public String toString() {
        return "RollbackProtection.pkcs11(" + settings + ", " + prefix + ")";
    }
}
