package dev.trail.advantage;

/** Registers estimators of this family (filled in by the family's implementation). */
final class StepLevelEstimators {

    private StepLevelEstimators() {
    }

    static void registerAll() {
    }
}
