package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: a narrow interface between two parts. */
interface Signal {
    void fire();
}
