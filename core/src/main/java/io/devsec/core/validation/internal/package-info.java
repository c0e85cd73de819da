/**
 * Implementation of DevSec, not API: anything here may change or go away in any release without notice.
 * It is public only so that DevSec's own packages can share it; applications use the module's root
 * package. The published Javadoc leaves this package out.
 */
package io.devsec.core.validation.internal;
