/**
 * Attack surface (provision 4.6): the {@link io.devsec.core.surface.AttackSurfaceReport} of what is
 * enabled and exposed, the check of the process's {@link io.devsec.core.surface.ListeningSockets} (DevSec
 * opens none), and {@link io.devsec.core.surface.PublicDeviceInfo}, the only device facts that may be
 * shown before authentication (EN 303 645 5.6-2).
 */
package io.devsec.core.surface;
