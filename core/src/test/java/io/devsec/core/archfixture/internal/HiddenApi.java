package io.devsec.core.archfixture.internal;

/** Fixture for ArchitectureTest: an internal interface. */
public interface HiddenApi {
}
