package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded train/validation splits by trajectory. Trajectories of one group (the G samples of a
 * prompt) stay on the same side, so no group is split; a trajectory without a group is a unit of
 * its own. The same seed and the same file give the same split.
 */
public final class Splits {

    private Splits() {
    }

    /**
     * Which units go to validation: exactly {@code round(fraction * units)} of them (at least one
     * when {@code fraction > 0} and there are two units or more), chosen by a Fisher-Yates shuffle
     * seeded with {@code seed}.
     *
     * @param unitKeys one key per trajectory in file order (its group id, or a unique key)
     * @return per trajectory, whether it belongs to the validation side
     */
    public static boolean[] validation(List<String> unitKeys, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("--validation must be in [0, 1), got " + fraction);
        }
        Map<String, Integer> unitOf = new LinkedHashMap<>();
        int[] unit = new int[unitKeys.size()];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = unitOf.computeIfAbsent(unitKeys.get(i), k -> unitOf.size());
        }
        int units = unitOf.size();
        int take = (int) Math.round(fraction * units);
        if (fraction > 0 && take == 0 && units >= 2) {
            take = 1;
        }
        if (take >= units && units > 0) {
            take = units - 1;
        }
        int[] order = dev.trail.seed.Shuffle.permutation(units, new SplittableRandom(seed));
        boolean[] validUnit = new boolean[units];
        for (int k = 0; k < take; k++) {
            validUnit[order[k]] = true;
        }
        boolean[] out = new boolean[unit.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = validUnit[unit[i]];
        }
        return out;
    }

    /** The unit key of a trajectory: its group, or its own id (marked so it cannot collide with a group). */
    public static String unitKey(Trajectory t) {
        return t.groupId() != null ? "g:" + t.groupId() : "t:" + t.id();
    }

    /** Keys of a list of trajectories. */
    public static List<String> unitKeys(List<Trajectory> ts) {
        List<String> out = new ArrayList<>(ts.size());
        for (Trajectory t : ts) {
            out.add(unitKey(t));
        }
        return out;
    }
}
