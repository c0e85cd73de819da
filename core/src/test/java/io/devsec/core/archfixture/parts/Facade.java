package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: a facade like the old DeviceSecurity, with a mutable package-private field. */
public final class Facade {
    String state = "";
    private final Object lock = new Object();

    Object lock() {
        return lock;
    }
}
