/** Implementation of DevSec transport: Paho sessions, the outbox journal, TLS helpers. Not API; may change at any time. */
package io.devsec.transport.internal;
