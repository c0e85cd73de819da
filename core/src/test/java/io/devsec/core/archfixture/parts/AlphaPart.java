package io.devsec.core.archfixture.parts;

/** Fixture for ArchitectureTest: a part that talks to another part through {@link Signal} only. */
final class AlphaPart implements Signal {
    private final Signal other;

    AlphaPart(Signal other) {
        this.other = other;
    }

    @Override
    public void fire() {
        other.fire();
    }
}
