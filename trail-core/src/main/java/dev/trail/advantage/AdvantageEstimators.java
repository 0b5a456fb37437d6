package dev.trail.advantage;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The registry of advantage estimators by name. Each entry declares its options (with the
 * spec's defaults) and builds an estimator from resolved {@link Options}. Registering a second
 * estimator under a taken name fails; asking for an unknown name fails listing the known ones.
 */
public final class AdvantageEstimators {

    /**
     * A registry entry.
     *
     * @param name the registry name
     * @param description one-line description with the source (paper or spec section)
     * @param options declared options with defaults
     * @param factory builds an estimator from resolved options
     * @param capabilities what it needs from a trainer or does itself (at its default options)
     */
    public record Entry(String name, String description, List<Option> options,
            Function<Options, AdvantageEstimator> factory, Set<Capability> capabilities) {

        public Entry {
            options = List.copyOf(options);
            capabilities = capabilities.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        }

        /** An entry that needs nothing but rewards (and groups of one). */
        public Entry(String name, String description, List<Option> options,
                Function<Options, AdvantageEstimator> factory) {
            this(name, description, options, factory, Set.of());
        }

        /** Whether it declares {@code c}. */
        public boolean has(Capability c) {
            return capabilities.contains(c);
        }

        /** Whether it declares an option named {@code option}. */
        public boolean declares(String option) {
            return options.stream().anyMatch(o -> o.name().equals(option));
        }

        /** An estimator with these settings over the defaults. */
        public AdvantageEstimator create(Map<String, String> settings) {
            return factory.apply(Options.resolve("estimator " + name, options, settings));
        }
    }

    private static final Map<String, Entry> ENTRIES = Collections.synchronizedMap(new TreeMap<>());

    static {
        BuiltinEstimators.registerAll();
    }

    private AdvantageEstimators() {
    }

    /**
     * Adds an estimator.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    public static void register(Entry entry) {
        synchronized (ENTRIES) {
            if (ENTRIES.containsKey(entry.name())) {
                throw new IllegalArgumentException("an advantage estimator named '" + entry.name()
                        + "' is already registered");
            }
            ENTRIES.put(entry.name(), entry);
        }
    }

    /**
     * Adds a built-in estimator given as a function of its resolved options that returns a function
     * of the batch; the estimator reports {@code name}.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    static void register(String name, String description, List<Option> options,
            Function<Options, Function<List<TrajectoryGroup>, AdvantageResult>> build) {
        register(new Entry(name, description, options, o -> new Named(name, build.apply(o)),
                BuiltinEstimators.capabilities(name)));
    }

    /** An estimator that is its name and a function of the batch. */
    private record Named(String name, Function<List<TrajectoryGroup>, AdvantageResult> fn)
            implements AdvantageEstimator {

        @Override
        public AdvantageResult estimate(List<TrajectoryGroup> batch) {
            return fn.apply(batch);
        }
    }

    /**
     * The entry named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Entry entry(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown advantage estimator '" + name + "'; known: " + names());
        }
        return e;
    }

    /** The estimator {@code name} with default options. */
    public static AdvantageEstimator create(String name) {
        return entry(name).create(Map.of());
    }

    /** The estimator {@code name} with {@code settings} over its defaults. */
    public static AdvantageEstimator create(String name, Map<String, String> settings) {
        return entry(name).create(settings);
    }

    /** Registered names, sorted. */
    public static List<String> names() {
        synchronized (ENTRIES) {
            return List.copyOf(ENTRIES.keySet());
        }
    }

    /** All entries, sorted by name. */
    public static List<Entry> entries() {
        synchronized (ENTRIES) {
            return new ArrayList<>(ENTRIES.values());
        }
    }
}
