package dev.trail.envs;

import dev.trail.env.ArrayEnv;
import dev.trail.env.Env;
import dev.trail.env.EnvSpec;
import dev.trail.envs.classic.Acrobot;
import dev.trail.envs.classic.CartPole;
import dev.trail.envs.classic.MountainCar;
import dev.trail.envs.classic.MountainCarContinuous;
import dev.trail.envs.classic.Pendulum;
import dev.trail.envs.grid.MiniGridEnvs;
import dev.trail.envs.token.TokenTasks;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The registry of built-in environments, like Gymnasium's: a versioned id names an environment,
 * its time limit and its reward threshold.
 *
 * <pre>
 * | id                       | time limit | reward threshold |
 * |--------------------------|------------|------------------|
 * | Acrobot-v1               | 500        | -100             |
 * | CartPole-v1              | 500        | 475              |
 * | MountainCar-v0           | 200        | -110             |
 * | MountainCarContinuous-v0 | 999        | 90               |
 * | Pendulum-v1              | 200        | none (NaN)       |
 * </pre>
 *
 * <p>The nine MiniGrid ids of {@link MiniGridEnvs} ({@code MiniGrid-DoorKey-8x8-v0}, ...) are
 * registered with their {@code max_steps} as time limit and no reward threshold.
 *
 * <p>The token tasks of {@link TokenTasks} ({@code Arithmetic-v0}, {@code Countdown-v0},
 * {@code Calculator-v0}) are registered too; they are object-API environments without the
 * primitive-array fast path ({@link #makeArray} refuses them).
 *
 * <p>{@code Envs.make("CartPole-v1")} returns a new, independent environment with the time limit
 * applied; call {@code reset(seed)} before stepping it. An unknown id is an
 * {@link IllegalArgumentException} that lists the known ids.
 */
public final class Envs {

    private record Entry(EnvSpec spec, Supplier<? extends Env<?, ?>> factory) {
    }

    private static final Map<String, Entry> REGISTRY = build();

    private Envs() {
    }

    private static Map<String, Entry> build() {
        Map<String, Entry> registry = new TreeMap<>();
        register(registry, CartPole.ID, CartPole.MAX_EPISODE_STEPS, CartPole.REWARD_THRESHOLD,
                () -> new CartPole(CartPole.MAX_EPISODE_STEPS));
        register(registry, Acrobot.ID, Acrobot.MAX_EPISODE_STEPS, Acrobot.REWARD_THRESHOLD,
                () -> new Acrobot(Acrobot.MAX_EPISODE_STEPS));
        register(registry, MountainCar.ID, MountainCar.MAX_EPISODE_STEPS, MountainCar.REWARD_THRESHOLD,
                () -> new MountainCar(MountainCar.MAX_EPISODE_STEPS));
        register(registry, MountainCarContinuous.ID, MountainCarContinuous.MAX_EPISODE_STEPS,
                MountainCarContinuous.REWARD_THRESHOLD,
                () -> new MountainCarContinuous(MountainCarContinuous.MAX_EPISODE_STEPS));
        register(registry, Pendulum.ID, Pendulum.MAX_EPISODE_STEPS, Pendulum.REWARD_THRESHOLD,
                () -> new Pendulum(Pendulum.MAX_EPISODE_STEPS));
        for (EnvSpec grid : MiniGridEnvs.specs()) {
            register(registry, grid.id(), grid.maxEpisodeSteps(), grid.rewardThreshold(),
                    () -> MiniGridEnvs.make(grid.id()));
        }
        for (EnvSpec tokenTask : TokenTasks.specs()) {
            if (registry.containsKey(tokenTask.id())) {
                throw new IllegalStateException("environment id " + tokenTask.id() + " is registered twice");
            }
            registry.put(tokenTask.id(), new Entry(tokenTask, tokenTask.factory()));
        }
        return Collections.unmodifiableMap(registry);
    }

    private static void register(Map<String, Entry> registry, String id, int maxEpisodeSteps,
            double rewardThreshold, Supplier<ArrayEnv<?>> factory) {
        if (registry.containsKey(id)) {
            throw new IllegalStateException("environment id " + id + " is registered twice");
        }
        registry.put(id, new Entry(new EnvSpec(id, maxEpisodeSteps, rewardThreshold, factory), factory));
    }

    /**
     * A new environment for {@code id}, with the registry's time limit.
     *
     * @param id a registered id such as {@code CartPole-v1}
     * @return a new, independent environment; reset it before stepping
     * @throws IllegalArgumentException if {@code id} is not registered (the message lists the known ids)
     */
    public static Env<?, ?> make(String id) {
        return entry(id).factory().get();
    }

    /**
     * A new environment for {@code id} with its primitive-array fast path, with the registry's
     * time limit. Every built-in environment is an {@link ArrayEnv}.
     *
     * @param id a registered id such as {@code CartPole-v1}
     * @return a new, independent environment; reset it before stepping
     * @throws IllegalArgumentException if {@code id} is not registered
     */
    public static ArrayEnv<?> makeArray(String id) {
        Env<?, ?> env = entry(id).factory().get();
        if (env instanceof ArrayEnv<?> array) {
            return array;
        }
        env.close();
        throw new IllegalArgumentException("environment " + id + " has no primitive-array fast path (it is a "
                + env.getClass().getSimpleName() + "); array environments: " + String.join(", ", arrayIds()));
    }

    /** @return the ids whose environments are {@link ArrayEnv}s (usable in a {@code VectorEnv}), sorted */
    public static List<String> arrayIds() {
        return REGISTRY.keySet().stream().filter(id -> !TokenTasks.ids().contains(id)).toList();
    }

    /**
     * The registry entry of {@code id}: time limit, reward threshold (NaN if none) and factory.
     *
     * @param id a registered id such as {@code CartPole-v1}
     * @return the entry
     * @throws IllegalArgumentException if {@code id} is not registered
     */
    public static EnvSpec spec(String id) {
        return entry(id).spec();
    }

    /** @return the registered ids, sorted */
    public static List<String> ids() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** @return all registry entries, sorted by id */
    public static List<EnvSpec> specs() {
        return REGISTRY.values().stream().map(Entry::spec).toList();
    }

    private static Entry entry(String id) {
        Entry entry = id == null ? null : REGISTRY.get(id);
        if (entry == null) {
            throw new IllegalArgumentException("unknown environment id '" + id + "'; known ids: "
                    + String.join(", ", REGISTRY.keySet()));
        }
        return entry;
    }
}
