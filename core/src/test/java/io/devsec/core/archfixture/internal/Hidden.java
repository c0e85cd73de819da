package io.devsec.core.archfixture.internal;

/** Fixture for ArchitectureTest: an internal type. */
public class Hidden {
}
