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
 * {@code Calculator-v0}, and the multi-turn {@code GridNav-v0}, {@code Guess-v0},
 * {@code Calculator-MultiTurn-v0}) are registered too; they are object-API environments without the
 * primitive-array fast path ({@link #makeArray} refuses them).
 *
 * <p>{@code Envs.make("CartPole-v1")} returns a new, independent environment with the time limit
 * applied; call {@code reset(seed)} before stepping it. An unknown id is an
 * {@link IllegalArgumentException} that lists the known ids.
 *
 * <p>User environments: {@link #register(EnvSpec)} adds an entry under a new id, and an id of the
 * form {@code class:com.acme.MyEnv} names a class on the classpath that implements
 * {@link Env} (an {@link ArrayEnv} to train with the array learners, or a
 * {@link dev.trail.token.TokenEnv} subclass) and has a public no-argument constructor; each
 * {@code make} calls it once. Such an environment applies its own time limit (e.g. by passing one to
 * {@code ArrayEnv}'s constructor), which becomes the entry's {@code maxEpisodeSteps}.
 */
public final class Envs {

    private record Entry(EnvSpec spec, Supplier<? extends Env<?, ?>> factory) {
    }

    /** The prefix of ids that name an environment class on the classpath. */
    public static final String CLASS_PREFIX = "class:";

    private static final Map<String, Entry> REGISTRY = Collections.synchronizedMap(build());

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
        return registry;
    }

    /**
     * Adds a user environment under {@code spec.id()}.
     *
     * @throws IllegalArgumentException if the id is taken or uses the {@code class:} prefix
     */
    public static void register(EnvSpec spec) {
        if (spec.id().startsWith(CLASS_PREFIX)) {
            throw new IllegalArgumentException("ids starting with '" + CLASS_PREFIX + "' name classes and cannot be "
                    + "registered: " + spec.id());
        }
        synchronized (REGISTRY) {
            if (REGISTRY.containsKey(spec.id())) {
                throw new IllegalArgumentException("environment id " + spec.id() + " is already registered");
            }
            REGISTRY.put(spec.id(), new Entry(spec, spec.factory()));
        }
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
        synchronized (REGISTRY) {
            return REGISTRY.entrySet().stream().filter(e -> !TokenTasks.ids().contains(e.getKey()))
                    .filter(e -> BUILT_IN_ARRAY.contains(e.getKey()) || isArray(e.getValue().spec()))
                    .map(Map.Entry::getKey).toList();
        }
    }

    private static final java.util.Set<String> BUILT_IN_ARRAY = java.util.Set.of(CartPole.ID, Acrobot.ID,
            MountainCar.ID, MountainCarContinuous.ID, Pendulum.ID);

    private static boolean isArray(EnvSpec spec) {
        try (Env<?, ?> e = spec.make()) {
            return e instanceof ArrayEnv<?>;
        }
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
        synchronized (REGISTRY) {
            return List.copyOf(REGISTRY.keySet());
        }
    }

    /** @return all registry entries, sorted by id */
    public static List<EnvSpec> specs() {
        synchronized (REGISTRY) {
            return REGISTRY.values().stream().map(Entry::spec).toList();
        }
    }

    private static Entry entry(String id) {
        if (id != null && id.startsWith(CLASS_PREFIX)) {
            EnvSpec spec = classSpec(id);
            return new Entry(spec, spec.factory());
        }
        Entry entry = id == null ? null : REGISTRY.get(id);
        if (entry == null) {
            throw new IllegalArgumentException("unknown environment id '" + id + "'; known ids: "
                    + String.join(", ", ids()) + " (or class:NAME for an Env class on the classpath)");
        }
        return entry;
    }

    /** The entry of {@code class:NAME}: the class must be an {@link Env} with a public no-argument constructor. */
    private static EnvSpec classSpec(String id) {
        String name = id.substring(CLASS_PREFIX.length());
        Class<?> type;
        try {
            type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("environment class " + name + " is not on the classpath (" + e
                    + "); put its jar on TRAIL_CLASSPATH");
        }
        if (!Env.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("environment class " + name + " does not implement "
                    + Env.class.getName());
        }
        java.lang.reflect.Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("environment class " + name + " has no public no-argument constructor");
        }
        Supplier<Env<?, ?>> factory = () -> {
            try {
                return (Env<?, ?>) constructor.newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new IllegalArgumentException("environment class " + name + " failed to construct: " + cause,
                        cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("environment class " + name + " cannot be constructed: " + e, e);
            }
        };
        int maxSteps;
        try (Env<?, ?> probe = factory.get()) {
            maxSteps = probe instanceof ArrayEnv<?> a ? Math.max(0, a.maxEpisodeSteps()) : 0;
        }
        return new EnvSpec(id, maxSteps, Double.NaN, factory);
    }
}
