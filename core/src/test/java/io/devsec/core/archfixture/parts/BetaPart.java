package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: a part that reaches into another part's class. */
final class BetaPart {
    private final AlphaPart alpha;

    BetaPart(AlphaPart alpha) {
        this.alpha = alpha;
    }

    void poke() {
        alpha.fire();
    }
}
