package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: a helper that writes the facade's field, as Credentials did. */
final class ReachesIntoFacade {
    private ReachesIntoFacade() {}

    static void write(Facade facade) {
        facade.state = "changed";
    }
}
