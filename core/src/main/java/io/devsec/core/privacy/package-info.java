/**
 * Personal data, consent and deletion (provisions 4.8 and 4.11).
 *
 * <p>{@link io.devsec.core.privacy.ConsentRegistry} records the consumer's consent per
 * {@link io.devsec.core.privacy.Purpose}, encrypted in the keystore;
 * {@link io.devsec.core.privacy.ConsentGate} holds back telemetry carrying personal data until its purpose
 * has consent; {@link io.devsec.core.privacy.PersonalDataStore} keeps the application's personal data
 * sealed under a key that exists only in the keystore; {@link io.devsec.core.privacy.PersonalDataWipe}
 * destroys that key and deletes the files in one call and returns a
 * {@link io.devsec.core.privacy.WipeReceipt}; {@link io.devsec.core.privacy.DataUseStatement} tells the
 * consumer what is processed, by whom and why.
 */
package io.devsec.core.privacy;
