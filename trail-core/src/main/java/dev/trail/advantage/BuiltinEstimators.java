package dev.trail.advantage;

/** Registers Trail's built-in estimators; called once by {@link AdvantageEstimators}. */
final class BuiltinEstimators {

    private BuiltinEstimators() {
    }

    static void registerAll() {
        TrajectoryLevelEstimators.registerAll();
        StepLevelEstimators.registerAll();
    }
}
