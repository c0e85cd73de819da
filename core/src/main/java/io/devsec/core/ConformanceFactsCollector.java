package io.devsec.core;

import io.devsec.core.conformance.ConformanceFacts;
import io.devsec.core.conformance.Evidence;
import io.devsec.core.conformance.EvidenceSink;
import io.devsec.core.conformance.Mechanism;
import io.devsec.core.disclosure.DisclosurePolicy;
import io.devsec.core.surface.AttackSurfaceReport;
import io.devsec.core.surface.ListeningSocket;
import io.devsec.core.surface.ListeningSockets;
import io.devsec.storage.Keystore;
import io.devsec.storage.KeystoreOptions;
import io.devsec.storage.MasterKeySource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The evidence of what the composition root itself holds, for {@link DeviceSecurity#conformanceFacts()}: the
 * manufacturer's disclosure policy, the keystore file and its master key, and the process's attack surface.
 * Every other mechanism is reported by the part that owns it ({@code contributeFacts} on {@link PasswordPart},
 * {@link IdentityPart}, {@link FirmwarePart}, {@link ConnectivityPart}, {@link PrivacyPart}, {@link EventsPart}),
 * from what that part observes; nothing here is a constant "yes".
 */
final class ConformanceFactsCollector {

    private ConformanceFactsCollector() {}

    // ------------------------------------------------------------------ disclosure

    static void disclosure(Optional<DisclosurePolicy> policy, ConformanceFacts.Builder typed) {
        EvidenceSink sink = typed;
        if (!policy.isPresent()) {
            sink.add(Mechanism.DISCLOSURE_POLICY, Evidence.configured(Mechanism.DISCLOSURE_POLICY, false,
                    "no DisclosurePolicy configured"));
            return;
        }
        DisclosurePolicy d = policy.get();
        List<String> contacts = new ArrayList<>();
        for (URI u : d.contacts()) {
            contacts.add(u.toString());
        }
        typed.disclosurePolicy(contacts, d.expires());
        d.policyUrl().ifPresent(u -> typed.disclosurePolicyUrl(u.toString()));
        sink.add(Mechanism.DISCLOSURE_POLICY, Evidence.configured(Mechanism.DISCLOSURE_POLICY, true,
                "DisclosurePolicy with contact " + String.join(", ", contacts) + ", expires " + d.expires()
                        + d.policyUrl().map(u -> ", policy " + u).orElse("") + " (RFC 9116 security.txt)"));
    }

    // ------------------------------------------------------------------ storage

    static void storage(Keystore keystore, KeystoreOptions options, Path dataFolder, ConformanceFacts.Builder typed)
            throws IOException {
        EvidenceSink sink = typed;
        MasterKeySource.Kind kind = keystore.masterKeyKind();
        sink.add(Mechanism.KEYSTORE_ENCRYPTED, Evidence.observed(Mechanism.KEYSTORE_ENCRYPTED, true,
                "keystore opened with its " + kind + " master key; entries sealed with AES-256-GCM"));
        Path ks = dataFolder.resolve(DeviceSecurity.KEYSTORE_FILE);
        if (options.insecureAllowLoosePermissions()) {
            typed.insecureOption("KeystoreOptions.insecureAllowLoosePermissions");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ks);
            Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
            loose.addAll(perms);
            loose.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            boolean ok = loose.isEmpty() && !options.insecureAllowLoosePermissions();
            sink.add(Mechanism.KEYSTORE_PERMISSIONS, Evidence.observed(Mechanism.KEYSTORE_PERMISSIONS, ok,
                    !loose.isEmpty() ? "the keystore file is readable or writable by group or others " + loose
                            : ok ? "the keystore file is owner-only and loose permissions are refused"
                            : "the keystore file is owner-only now, but loose permissions are allowed"
                                    + " (KeystoreOptions.insecureAllowLoosePermissions)"));
        } catch (UnsupportedOperationException e) {
            sink.add(Mechanism.KEYSTORE_PERMISSIONS, Evidence.notAssessed(Mechanism.KEYSTORE_PERMISSIONS,
                    "the file system has no POSIX permissions"));
        }
        boolean beside = kind == MasterKeySource.Kind.DEVICE_SECRET_FILE
                && Files.exists(dataFolder.resolve(DeviceSecurity.DEVICE_SECRET_FILE));
        String where = kind == MasterKeySource.Kind.PKCS11_TOKEN ? "the master key stays in a PKCS#11 token"
                : kind == MasterKeySource.Kind.PASSPHRASE ? "the master key is derived from a passphrase that is not"
                        + " stored in the data folder"
                : beside ? "the master key file " + DeviceSecurity.DEVICE_SECRET_FILE + " lies in the data folder beside"
                        + " the keystore it protects: anyone who can read the flash can decrypt the keystore; use a"
                        + " PKCS#11 token (TPM, secure element) or a passphrase"
                : "the master key file is outside the data folder";
        sink.add(Mechanism.MASTER_KEY_SEPARATION, Evidence.observed(Mechanism.MASTER_KEY_SEPARATION, !beside, where));
        boolean rollback = keystore.rollbackProtected();
        sink.add(Mechanism.KEYSTORE_ROLLBACK_DETECTION, Evidence.observed(Mechanism.KEYSTORE_ROLLBACK_DETECTION,
                rollback, rollback ? "the keystore's version is bound to a rollback counter in a PKCS#11 token or TPM:"
                        + " a restored older copy of the file is refused at start"
                        : "no rollback counter is configured: a restored older copy of the keystore file is not"
                                + " detected (it would bring back a lower failed-login count, an older update rollback"
                                + " floor and an older trusted root); counters are monotonic only within one file;"
                                + " set DeviceSecurity.Builder.rollbackProtection(...)"));
        sink.add(Mechanism.ATOMIC_PERSISTENCE, Evidence.notAssessed(Mechanism.ATOMIC_PERSISTENCE,
                "the storage module writes by fsync and rename, but a running device cannot observe power-loss"
                        + " safety; the crash tests check it on a twin"));
    }

    // ------------------------------------------------------------------ surface

    static void surface(AttackSurfaceReport surface, EvidenceSink sink) {
        if (ListeningSockets.supported()) {
            List<String> sockets = new ArrayList<>();
            for (ListeningSocket s : surface.listeningSockets()) {
                sockets.add(s.toString());
            }
            sink.add(Mechanism.LISTENING_SOCKETS, Evidence.observed(Mechanism.LISTENING_SOCKETS, sockets.isEmpty(),
                    sockets.isEmpty() ? "the process listens on no socket (read from /proc now)"
                            : "the process listens on " + String.join(", ", sockets)));
        } else {
            sink.add(Mechanism.LISTENING_SOCKETS, Evidence.notAssessed(Mechanism.LISTENING_SOCKETS,
                    "this platform does not tell which sockets the process listens on"));
        }
        if (surface.effectiveUid().isPresent()) {
            boolean root = surface.effectiveUid().get() == 0L;
            sink.add(Mechanism.PROCESS_PRIVILEGE, Evidence.observed(Mechanism.PROCESS_PRIVILEGE, !root,
                    root ? "the process runs as root" : "the process runs as uid " + surface.effectiveUid().get()));
        } else {
            sink.add(Mechanism.PROCESS_PRIVILEGE, Evidence.notAssessed(Mechanism.PROCESS_PRIVILEGE,
                    "this platform does not tell the process's user"));
        }
        List<String> features = new ArrayList<>(surface.features().keySet());
        sink.add(Mechanism.ENABLED_FEATURES, Evidence.observed(Mechanism.ENABLED_FEATURES, surface.warnings().isEmpty(),
                "enabled: " + (features.isEmpty() ? "none" : String.join(", ", features))
                        + (surface.warnings().isEmpty() ? "; no least-privilege warning"
                                : "; warnings: " + String.join("; ", surface.warnings()))));
    }
}
