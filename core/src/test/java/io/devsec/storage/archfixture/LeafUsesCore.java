package io.devsec.storage.archfixture;

import io.devsec.core.DeviceSecurity;

/** Fixture for ArchitectureTest: a "leaf" class that depends on core, which the rule must refuse. */
public final class LeafUsesCore {
    public String productOf(DeviceSecurity device) {
        return device.productName();
    }
}
