package dev.trail.advantage;

/** Registers estimators of this family (filled in by the family's implementation). */
final class TrajectoryLevelEstimators {

    private TrajectoryLevelEstimators() {
    }

    static void registerAll() {
    }
}
