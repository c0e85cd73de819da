package io.devsec.core.archfixture;

import io.devsec.core.archfixture.internal.Hidden;
import io.devsec.core.archfixture.internal.HiddenApi;
import java.util.List;
import java.util.Optional;

/** Fixtures for ArchitectureTest: each public type below leaks an internal type in one way. */
public final class ExposingFixtures {
    private ExposingFixtures() {}

    public static final class ReturnsInternal {
        public Optional<Hidden> make() {
            return Optional.empty();
        }
    }

    public static final class TakesInternal {
        public void take(List<Hidden> hidden) {
        }
    }

    public static final class PublicFieldOfInternal {
        public Hidden hidden;
    }

    public static final class ExtendsInternal extends Hidden {
    }

    public static final class ImplementsInternal implements HiddenApi {
    }

    public static class ProtectedConstructorTakesInternal {
        protected ProtectedConstructorTakesInternal(Hidden hidden) {
        }
    }

    /** Uses internal types only where API users cannot see them: must pass. */
    public static final class UsesInternalPrivately {
        private final Hidden hidden = new Hidden();

        Hidden packagePrivate() {
            return hidden;
        }

        public String describe() {
            return String.valueOf(hidden);
        }
    }
}
