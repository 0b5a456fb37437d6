package dev.trail.track;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run is: environment id, algorithm, seeds, the fully resolved config (in its declared
 * order) and the command line that started it.
 *
 * @param envId       environment id, e.g. {@code CartPole-v1}
 * @param algo        algorithm name, e.g. {@code ppo}
 * @param seeds       the run's root seed(s); the first one names the run
 * @param config      resolved config: nested maps of scalars and lists, kept in insertion order
 * @param commandLine the arguments the run was started with (may be empty)
 */
public record RunInfo(String envId, String algo, List<Long> seeds, Map<String, Object> config,
                      List<String> commandLine) {

    public RunInfo {
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(algo, "algo");
        if (envId.isBlank()) {
            throw new IllegalArgumentException("envId must not be blank");
        }
        if (algo.isBlank()) {
            throw new IllegalArgumentException("algo must not be blank");
        }
        seeds = List.copyOf(seeds);
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one seed, got none");
        }
        config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
        commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
    }

    /** A run with one seed. */
    public RunInfo(String envId, String algo, long seed, Map<String, Object> config, List<String> commandLine) {
        this(envId, algo, List.of(seed), config, commandLine);
    }

    /** The seed that names the run. */
    public long seed() {
        return seeds.get(0);
    }
}
