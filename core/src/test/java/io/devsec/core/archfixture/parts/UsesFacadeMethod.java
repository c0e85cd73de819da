package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: calls a facade method but touches no facade field. */
final class UsesFacadeMethod {
    private UsesFacadeMethod() {}

    static Object lockOf(Facade facade) {
        return facade.lock();
    }
}
