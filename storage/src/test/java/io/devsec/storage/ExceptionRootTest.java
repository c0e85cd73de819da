package io.devsec.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.devsec.testkit.PublicApi;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExceptionRootTest {

    @Test
    void publicCheckedExceptions_allExtendKeystoreException() {
        assertEquals(Set.of(), PublicApi.checkedExceptionsOutsideRoot(KeystoreException.class, Set.of()));
    }

    @Test
    void keystoreException_isAbstract() {
        assertTrue(Modifier.isAbstract(KeystoreException.class.getModifiers()));
    }
}
