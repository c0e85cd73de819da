/**
 * Vulnerability disclosure (provision 4.2): the device maker's
 * {@link io.devsec.core.disclosure.DisclosurePolicy}, rendered as an RFC 9116 {@code security.txt}.
 */
package io.devsec.core.disclosure;
