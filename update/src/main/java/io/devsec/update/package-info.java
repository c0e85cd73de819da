/**
 * Signed updates for devices (ETSI TS 103 645 provisions 4.3 and 4.7): TUF-style root and update
 * metadata in DSSE envelopes, threshold signatures (Ed25519, ECDSA P-256), root rotation,
 * expiry, anti-rollback, hardware binding, streamed image verification, and A/B slots with trial
 * boot and automatic rollback.
 *
 * <p>On a device: build an {@link io.devsec.update.UpdateVerifier} with the root shipped at
 * manufacture, a {@link io.devsec.update.TrustedRootStore} and a
 * {@link io.devsec.update.RollbackCounter} kept where an attacker cannot change them, and hand it
 * with a {@link io.devsec.update.BootControl} and an {@link io.devsec.update.UpdateSource} to an
 * {@link io.devsec.update.UpdateAgent}. Call {@code start()} at each start and {@code confirm()}
 * when the application's health check passes. Every refusal is a typed
 * {@link io.devsec.update.UpdateException}.
 *
 * <p>Signing lives in the manufacturer's tools ({@code devsec keygen}, {@code devsec root},
 * {@code devsec sign}), never in this library.
 */
package io.devsec.update;
