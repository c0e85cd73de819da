/**
 * The conformance statement of a device, built from evidence rather than assertions.
 *
 * <p>Each part of the device reports evidence for the mechanisms it owns through an
 * {@link io.devsec.core.conformance.EvidenceSink} ({@link io.devsec.core.conformance.ConformanceContributor}): OBSERVED,
 * CONFIGURED or NOT_ASSESSED ({@link io.devsec.core.conformance.EvidenceClass}). The manufacturer adds what only they
 * can know in a {@link io.devsec.core.conformance.Declarations} file (DECLARED).
 * {@link io.devsec.core.conformance.ConformanceStatement#generate} decides every provision of EN 303 645 V2.1.1
 * Table B.1 ({@link io.devsec.core.conformance.EnProvision#all()}) from both, and offers TS 103 645 V1.1.1 by clause,
 * UK PSTI and CRA Annex I as views of the same rows.
 */
package io.devsec.core.conformance;
