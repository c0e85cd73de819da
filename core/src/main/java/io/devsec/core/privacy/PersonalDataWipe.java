package io.devsec.core.privacy;

import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call that deletes the consumer's personal data (provision 4.11) and confirms what it removed
 * (EN 303 645 5.11-4). For a transfer of ownership, {@code DeviceSecurity.factoryReset} runs it before
 * setting a new unique password and, optionally, rotating the identity.
 *
 * <p>{@link #wipe()} runs these steps, in this order, and keeps going when one fails:
 * <ol>
 *   <li><b>Crypto-erase:</b> one durable keystore batch deletes the personal-data key
 *       ({@value PersonalDataStore#KEY_ENTRY}), the consent records ({@value ConsentRegistry#ENTRY}) and
 *       any extra entries registered with {@link Builder#keystoreEntry}. From here on no copy of a
 *       personal data file can be decrypted, wherever the flash kept it.</li>
 *   <li>Deletes every file under the personal data folder ({@link PersonalDataStore#folder()}),
 *       including the telemetry the {@link ConsentGate} held, and the folder itself.</li>
 *   <li>Clears the consent registry in memory (every purpose {@link ConsentState#NOT_GIVEN}) and the
 *       gate's held queue.</li>
 *   <li>Runs the registered {@link WipeAction}s (the transport outbox, application data), in order.</li>
 * </ol>
 * The device identity, its password, counters and the firmware are not touched; entries named
 * {@code identity/...}, {@code device/...} or {@code auth/...} cannot be registered. A wipe interrupted
 * by a crash after step 1 is finished by the next {@link PersonalDataStore#open} or {@code wipe()}.
 *
 * <p>Thread-safe: no {@link PersonalDataStore#put} interleaves with steps 1 and 2.
 */
public final class PersonalDataWipe {
    private static final Logger LOG = LoggerFactory.getLogger(PersonalDataWipe.class);

    private final PersonalDataStore store;
    private final Keystore keystore;
    private final ConsentRegistry registry;
    private final ConsentGate gate;
    private final Clock clock;
    private final Set<String> extraEntries;
    private final Map<String, WipeAction> actions;

    private PersonalDataWipe(Builder b) {
        this.store = b.store;
        this.keystore = b.store.keystore();
        this.registry = b.registry;
        this.gate = b.gate;
        this.clock = b.clock;
        this.extraEntries = new LinkedHashSet<>(b.extraEntries);
        this.actions = new LinkedHashMap<>(b.actions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Wipes the personal data as described above and returns the receipt.
     *
     * @throws WipeIncompleteException when a step failed; it carries the partial receipt naming the failed
     *     steps. Calling again retries every step.
     */
    public WipeReceipt wipe() throws WipeIncompleteException {
        List<String> keysDestroyed = new ArrayList<>();
        List<String> items = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, WipeAction.Result> extra = new LinkedHashMap<>();
        Exception firstFailure = null;
        long files = 0;
        long bytes = 0;
        int consents = 0;
        int held = 0;
        synchronized (store) {
            // Step 1: crypto-erase.
            try {
                Set<String> present = keystore.names();
                List<String> toDelete = new ArrayList<>();
                if (present.contains(PersonalDataStore.KEY_ENTRY)) {
                    toDelete.add(PersonalDataStore.KEY_ENTRY);
                }
                if (present.contains(ConsentRegistry.ENTRY)) {
                    consents = storedConsentCount();
                    toDelete.add(ConsentRegistry.ENTRY);
                }
                for (String e : extraEntries) {
                    if (present.contains(e)) {
                        toDelete.add(e);
                    }
                }
                if (!toDelete.isEmpty()) {
                    keystore.batch(ed -> {
                        for (String e : toDelete) {
                            ed.delete(e);
                        }
                    });
                }
                keysDestroyed.addAll(toDelete);
                if (consents > 0) {
                    items.add("consent records (" + consents + ")");
                }
            } catch (IOException | KeystoreException | RuntimeException e) {
                failures.add("destroy keys: " + e.getClass().getSimpleName());
                firstFailure = e;
            }
            // Step 2: the files.
            try {
                Path folder = store.folder();
                List<String> names = new ArrayList<>();
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> s = Files.walk(folder)) {
                        s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                                .forEach(p -> names.add(folder.relativize(p).toString()));
                    }
                }
                long[] removed = PersonalDataStore.deleteTree(folder);
                files = removed[0];
                bytes = removed[1];
                for (String n : names) {
                    items.add(PersonalDataStore.FOLDER + "/" + n);
                }
            } catch (IOException | RuntimeException e) {
                failures.add("delete personal data files: " + e.getClass().getSimpleName());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        // Step 3: in-memory state.
        if (registry != null) {
            int inMemory = registry.forgetAll();
            consents = Math.max(consents, inMemory);
        }
        if (gate != null) {
            held = gate.forgetHeld();
        }
        // Step 4: the integrator's actions.
        for (Map.Entry<String, WipeAction> a : actions.entrySet()) {
            try {
                WipeAction.Result r = Objects.requireNonNull(a.getValue().wipe(), "WipeAction result");
                extra.put(a.getKey(), r);
                bytes += r.bytes();
                items.add(a.getKey() + " (" + r.items() + " items)");
            } catch (IOException | RuntimeException e) {
                failures.add(a.getKey() + ": " + e.getClass().getSimpleName());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        WipeReceipt receipt = new WipeReceipt(clock.instant(), keysDestroyed, items, files, bytes, consents, held,
                extra, failures);
        if (!failures.isEmpty()) {
            LOG.warn("Personal data wipe incomplete: {}", failures);
            throw new WipeIncompleteException(receipt, firstFailure);
        }
        LOG.warn("Personal data wiped: {} keys destroyed, {} files, {} bytes removed", keysDestroyed.size(), files, bytes);
        return receipt;
    }

    private int storedConsentCount() {
        try {
            Optional<byte[]> stored = keystore.secret(ConsentRegistry.ENTRY);
            return stored.isPresent() ? ConsentRegistry.decode(stored.get()).size() : 0;
        } catch (KeystoreException | CorruptPersonalDataException e) {
            return 0; // a corrupt record is destroyed all the same
        }
    }

    /** Builds a {@link PersonalDataWipe}; the store is required. */
    public static final class Builder {
        private PersonalDataStore store;
        private ConsentRegistry registry;
        private ConsentGate gate;
        private Clock clock = Clock.systemUTC();
        private final Set<String> extraEntries = new LinkedHashSet<>();
        private final Map<String, WipeAction> actions = new LinkedHashMap<>();

        private Builder() {}

        /** Required: the personal data store (its keystore is the one whose entries are destroyed). */
        public Builder store(PersonalDataStore store) {
            this.store = store;
            return this;
        }

        /** The consent registry to clear in memory (its keystore entry is destroyed in any case). */
        public Builder consentRegistry(ConsentRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The gate whose held messages to forget (their sealed files are deleted in any case). */
        public Builder consentGate(ConsentGate gate) {
            this.gate = gate;
            return this;
        }

        /** The clock for the receipt's instant; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Another keystore entry holding personal data, destroyed in the crypto-erase batch. */
        public Builder keystoreEntry(String name) {
            this.extraEntries.add(name);
            return this;
        }

        /** An extra step, such as {@code "outbox"}; names are unique, 1 to 64 characters. */
        public Builder action(String name, WipeAction action) {
            if (name == null || name.isEmpty() || name.length() > 64) {
                throw new IllegalArgumentException("action name must be 1 to 64 characters");
            }
            if (actions.containsKey(name)) {
                throw new IllegalArgumentException("action '" + name + "' is already registered");
            }
            actions.put(name, Objects.requireNonNull(action, "action"));
            return this;
        }

        /** @throws IllegalArgumentException naming the missing or invalid field */
        public PersonalDataWipe build() {
            if (store == null) {
                throw new IllegalArgumentException("store is required");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            if (registry != null && registry.keystore() != store.keystore()) {
                throw new IllegalArgumentException("consentRegistry must use the store's keystore");
            }
            for (String e : extraEntries) {
                if (e == null || e.startsWith("identity/") || e.startsWith("device/") || e.startsWith("auth/")) {
                    throw new IllegalArgumentException("keystoreEntry '" + e + "' belongs to the device identity and is kept");
                }
            }
            return new PersonalDataWipe(this);
        }
    }
}
