/**
 * Signed updates for devices (ETSI TS 103 645 provisions 4.3 and 4.7): TUF-style root and update
 * metadata in DSSE envelopes, threshold signatures (Ed25519, ECDSA P-256), root rotation,
 * expiry, anti-rollback, hardware binding, streamed image verification, and A/B slots with trial
 * boot and automatic rollback.
 *
 * <p>On a device: build an {@link io.devsec.update.UpdateVerifier} with the root shipped at
 * manufacture, a {@link io.devsec.update.TrustedRootStore} and a
 * {@link io.devsec.update.RollbackCounter} kept where an attacker cannot change them, and hand it
 * with a {@link io.devsec.update.BootControl}, an {@link io.devsec.update.InstalledMetadataStore}
 * (equally protected) and an {@link io.devsec.update.UpdateSource} to an
 * {@link io.devsec.update.UpdateAgent}. Call {@code start()} at each start and {@code confirm()}
 * when the application's health check passes; {@code confirm()} verifies the running image against
 * its stored metadata first. Every refusal is a typed {@link io.devsec.update.UpdateException}.
 *
 * <p>The file-based boot state ({@link io.devsec.update.BootControl#fileBased}) is authenticated
 * with HMAC-SHA256 under a secret key the caller keeps (format version 2). A version-1 file (bare
 * SHA-256, written before keys existed) is refused, unless the caller opens it once with
 * {@link io.devsec.update.BootControl#fileBasedUpgradingInsecureLegacyState} on the first start
 * with a key, which trusts it and rewrites it authenticated; core does exactly that.
 *
 * <p>Signing lives in the manufacturer's tools ({@code devsec keygen}, {@code devsec root},
 * {@code devsec sign}), never in this library.
 */
package io.devsec.update;
