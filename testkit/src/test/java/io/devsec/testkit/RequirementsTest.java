package io.devsec.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RequirementsTest {
    @Test
    void missingPackage_skipsWithTheInstallCommand_failsWhenCiIsTrue() {
        ThrowingCallable missing = () -> Requirements.requireExecutable("no-such-package", "/nonexistent/no-such-tool");
        Class<? extends Throwable> expected = Requirements.onCi() ? AssertionError.class : TestAbortedException.class;
        assertThatThrownBy(missing).isInstanceOf(expected)
                .hasMessageContaining("no-such-package is not installed; install it: apt-get install -y no-such-package");
    }
}
