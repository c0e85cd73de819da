/**
 * The implementation conformance statement (ETSI TS 103 645 Annex A pro forma) generated from a device's live
 * configuration.
 *
 * <p>{@link io.devsec.core.conformance.ConformanceFacts} records what the device's configuration provides;
 * {@link io.devsec.core.conformance.ConformanceStatement#generate} turns it into one row per provision of
 * TS 103 645 V1.1.1 ({@link io.devsec.core.conformance.Provision#all()}), mapped to EN 303 645, rendered as Markdown
 * or JSON.
 */
package io.devsec.core.conformance;
