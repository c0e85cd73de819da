/** {@code devsec report}: the conformance statement of a device's data folder. */
package io.devsec.tools.report;
