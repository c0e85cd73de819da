package io.devsec.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.devsec.testkit.PublicApi;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExceptionRootTest {

    /** I/O faults of the {@link BootControl} contract, which declares {@link java.io.IOException}. */
    private static final Set<Class<?>> EXEMPT = Set.of(CorruptBootStateException.class, SlotLinkException.class);

    @Test
    void publicCheckedExceptions_allExtendUpdateException() {
        assertEquals(Set.of(), PublicApi.checkedExceptionsOutsideRoot(UpdateException.class, EXEMPT));
    }

    @Test
    void updateException_isAbstract() {
        assertTrue(Modifier.isAbstract(UpdateException.class.getModifiers()));
    }
}
