package io.devsec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.devsec.core.privacy.WipeIncompleteException;
import io.devsec.testkit.PublicApi;
import java.lang.reflect.Modifier;
import java.security.GeneralSecurityException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExceptionRootTest {

    /** An I/O fault (a file of the wipe could not be deleted); stays {@link java.io.IOException}. */
    private static final Set<Class<?>> EXEMPT = Set.of(WipeIncompleteException.class);

    @Test
    void publicCheckedExceptions_allExtendDeviceSecurityException() {
        assertEquals(Set.of(), PublicApi.checkedExceptionsOutsideRoot(DeviceSecurityException.class, EXEMPT));
    }

    @Test
    void everyModuleRoot_isAbstract_andAGeneralSecurityException() {
        for (Class<?> root : new Class<?>[] {DeviceSecurityException.class, io.devsec.storage.KeystoreException.class,
                io.devsec.transport.TransportException.class, io.devsec.update.UpdateException.class}) {
            assertTrue(Modifier.isAbstract(root.getModifiers()), root.getName());
            assertTrue(GeneralSecurityException.class.isAssignableFrom(root), root.getName());
        }
    }
}
