package dev.trail.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named, tuned sets of an algorithm's options for one environment ({@code trail train --preset
 * NAME}), in the spirit of rl-baselines3-zoo's hyperparameter files. A preset's values sit
 * between the algorithm's defaults and the user's settings: the config file's section and
 * {@code --set} override them, and the run's {@code config.yaml} records the resulting values
 * like any others. docs/PRESETS.md gives each preset's values and what it was tuned for.
 */
final class Presets {

    /** One preset's values for an (algorithm, environment) pair. */
    record Preset(String name, String algo, String env, String purpose, Map<String, String> values) {
    }

    private static final List<Preset> ALL = List.of(
            new Preset("fast", "ppo", "CartPole-v1",
                    "wall time to a rolling-100 mean return of 475 (docs/PRESETS.md)",
                    ordered("num_envs", "8", "num_steps", "32", "num_minibatches", "1", "update_epochs", "6",
                            "learning_rate", "1e-3", "anneal_lr", "false", "gamma", "0.98", "gae_lambda", "0.8",
                            "ent_coef", "0.0")));

    private Presets() {
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Every preset, in a fixed order. */
    static List<Preset> all() {
        return ALL;
    }

    /**
     * The values of preset {@code name} for {@code algo} on {@code env}; a usage error naming the
     * preset when there is no such preset, or none for this pair.
     */
    static Map<String, String> values(String name, String algo, String env) {
        List<String> names = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (Preset p : ALL) {
            if (!names.contains(p.name())) {
                names.add(p.name());
            }
            if (p.name().equals(name)) {
                if (p.algo().equals(algo) && p.env().equals(env)) {
                    return p.values();
                }
                pairs.add(p.algo() + " on " + p.env());
            }
        }
        if (pairs.isEmpty()) {
            throw new UserError("unknown preset '" + name + "'; known: " + String.join(", ", names)
                    + " (see trail train --list)");
        }
        throw new UserError("preset '" + name + "' has no values for " + algo + " on " + env + "; it is for "
                + String.join(", ", pairs));
    }
}
