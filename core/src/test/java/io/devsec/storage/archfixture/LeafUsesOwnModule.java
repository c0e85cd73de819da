package io.devsec.storage.archfixture;

import io.devsec.storage.KeystoreOptions;

/** Fixture for ArchitectureTest: a leaf class using only its own module, which the rule must accept. */
public final class LeafUsesOwnModule {
    public KeystoreOptions options() {
        return KeystoreOptions.DEFAULT;
    }
}
