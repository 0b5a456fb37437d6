package dev.trail.algo;

import dev.trail.advantage.AdvantageEstimator;
import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.Capability;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a trainer picks its credit assignment from the {@link AdvantageEstimators} registry: by
 * the estimators' declared {@link Capability capabilities}, never by name.
 */
public final class Credit {

    private Credit() {
    }

    /**
     * The estimator {@code name} with {@code settings}, for a trainer that supplies the inputs
     * {@code supplied} and insists on {@code required}.
     *
     * @throws IllegalArgumentException naming the estimator, what it needs that the trainer does not
     *     supply, and the estimators the trainer can use
     */
    public static AdvantageEstimator estimator(String trainer, String name, Set<Capability> supplied,
            Set<Capability> required, Map<String, String> settings) {
        AdvantageEstimators.Entry entry = AdvantageEstimators.entry(name);
        List<String> missing = missing(entry, supplied, required);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(trainer + " cannot use advantage estimator '" + name + "': "
                    + String.join("; ", missing) + ". Estimators " + trainer + " can use: "
                    + usable(supplied, required));
        }
        return entry.create(settings);
    }

    /** The registered estimators a trainer supplying {@code supplied} (and insisting on {@code required}) can use. */
    public static List<String> usable(Set<Capability> supplied, Set<Capability> required) {
        List<String> out = new ArrayList<>();
        for (AdvantageEstimators.Entry e : AdvantageEstimators.entries()) {
            if (missing(e, supplied, required).isEmpty()) {
                out.add(e.name());
            }
        }
        return out;
    }

    private static List<String> missing(AdvantageEstimators.Entry entry, Set<Capability> supplied,
            Set<Capability> required) {
        List<String> missing = new ArrayList<>();
        for (Capability c : entry.capabilities()) {
            if (c.required() && !supplied.contains(c)) {
                missing.add("it needs " + c.description() + ", which the trainer does not supply");
            }
        }
        for (Capability c : required) {
            if (!entry.has(c)) {
                missing.add("the trainer needs an estimator that uses " + c.description());
            }
        }
        return missing;
    }

    /** A set of capabilities (for declaring what a trainer supplies). */
    public static Set<Capability> of(Capability... cs) {
        return cs.length == 0 ? Set.of() : EnumSet.of(cs[0], cs);
    }
}
