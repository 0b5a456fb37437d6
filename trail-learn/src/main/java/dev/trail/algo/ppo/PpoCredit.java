package dev.trail.algo.ppo;

import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.Capability;
import dev.trail.algo.Credit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * PPO's credit assignment: any registered estimator that uses the critic's values and needs
 * nothing else PPO's i.i.d. rollouts cannot give (groups, trees, extras). The run's {@code gamma}
 * and {@code gae_lambda} are passed to the estimator when it declares them.
 */
final class PpoCredit {

    /** What PPO's rollouts carry besides rewards. */
    static final Set<Capability> SUPPLIED = Credit.of(Capability.NEEDS_VALUES, Capability.NEEDS_LOG_PROBS);

    private PpoCredit() {
    }

    static AdvantageEstimator estimator(PpoConfig config) {
        String name = config.advantageEstimator();
        AdvantageEstimators.Entry entry = AdvantageEstimators.entry(name);
        Map<String, String> settings = new LinkedHashMap<>();
        if (entry.declares("gamma")) {
            settings.put("gamma", Double.toString(config.gamma()));
        }
        if (entry.declares("gae_lambda")) {
            settings.put("gae_lambda", Double.toString(config.gaeLambda()));
        }
        return Credit.estimator("ppo", name, SUPPLIED, Credit.of(Capability.NEEDS_VALUES), settings);
    }
}
