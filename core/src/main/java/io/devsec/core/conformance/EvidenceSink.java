package io.devsec.core.conformance;

/**
 * Where a part of the SDK puts the evidence for the mechanisms it owns. A later mechanism replaces an earlier
 * one for the same {@link Mechanism}.
 */
public interface EvidenceSink {

    /**
     * Adds the evidence for one mechanism.
     *
     * @param mechanism the mechanism
     * @param evidence its evidence ({@link Evidence#observed}, {@link Evidence#configured} or
     *     {@link Evidence#notAssessed})
     * @throws IllegalArgumentException when the evidence is about another mechanism or is declared evidence
     */
    void add(Mechanism mechanism, Evidence evidence);
}
