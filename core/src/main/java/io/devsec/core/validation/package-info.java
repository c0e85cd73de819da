/**
 * Input validation (ETSI TS 103 645 provision 4.13): every input DevSec owns is parsed strictly and
 * checked before the application sees it, and each refusal is a typed
 * {@link io.devsec.core.validation.ValidationException} naming the reason, the path of the bad value
 * and what was expected, never the value itself.
 *
 * <ul>
 *   <li>{@link io.devsec.core.validation.StrictJson} reads JSON under
 *       {@link io.devsec.core.validation.JsonLimits} (size, depth, string, name and number length,
 *       entries), refusing duplicate keys, trailing data, non-UTF-8 bytes and unpaired surrogates.</li>
 *   <li>{@link io.devsec.core.validation.Rules} builds composable {@link io.devsec.core.validation.Rule}s;
 *       a {@link io.devsec.core.validation.Schema} is limits plus a rule.</li>
 *   <li>{@link io.devsec.core.validation.ValidatorRegistry} maps MQTT topic filters to validators
 *       (default deny); {@link io.devsec.core.validation.Validators#messageValidator} turns it into
 *       transport's inbound hook.</li>
 *   <li>{@link io.devsec.core.validation.MessageSchemas} holds DevSec's own formats (command,
 *       telemetry); {@link io.devsec.core.validation.CommandMessage} is the typed command;
 *       {@link io.devsec.core.validation.ConfigFiles} reads configuration files within the limit.</li>
 * </ul>
 */
package io.devsec.core.validation;
