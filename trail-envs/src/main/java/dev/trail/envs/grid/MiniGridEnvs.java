package dev.trail.envs.grid;

import dev.trail.env.EnvSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The MiniGrid ids Trail provides, with MiniGrid v3.1.0's configurations. MiniGrid truncates by
 * itself at {@code max_steps} ({@code gym.make} adds no TimeLimit); here that limit is the
 * registry's time limit. No reward threshold is registered (NaN).
 *
 * <pre>
 * | id                            | grid  | max_steps | sees through walls |
 * |-------------------------------|-------|-----------|--------------------|
 * | MiniGrid-Empty-8x8-v0         | 8×8   | 256       | yes                |
 * | MiniGrid-Empty-Random-6x6-v0  | 6×6   | 144       | yes                |
 * | MiniGrid-DoorKey-8x8-v0       | 8×8   | 640       | no                 |
 * | MiniGrid-FourRooms-v0         | 19×19 | 100       | no                 |
 * | MiniGrid-MultiRoom-N4-S5-v0   | 25×25 | 120       | no (6 rooms!)      |
 * | MiniGrid-KeyCorridorS3R2-v0   | 7×5   | 270       | no                 |
 * | MiniGrid-LavaGapS7-v0         | 7×7   | 196       | no                 |
 * | MiniGrid-Unlock-v0            | 11×6  | 288       | no                 |
 * | MiniGrid-DistShift1-v0        | 9×7   | 252       | yes                |
 * </pre>
 */
public final class MiniGridEnvs {

    private static final Map<String, Supplier<MiniGridEnv>> FACTORIES = factories();

    private MiniGridEnvs() {
    }

    private static Map<String, Supplier<MiniGridEnv>> factories() {
        Map<String, Supplier<MiniGridEnv>> m = new LinkedHashMap<>();
        m.put(Empty.ID_8X8, Empty::emptyEightByEight);
        m.put(Empty.ID_RANDOM_6X6, Empty::emptyRandomSixBySix);
        m.put(DoorKey.ID, DoorKey::new);
        m.put(FourRooms.ID, FourRooms::new);
        m.put(MultiRoom.ID_N4_S5, MultiRoom::new);
        m.put(KeyCorridor.ID_S3R2, KeyCorridor::new);
        m.put(LavaGap.ID, LavaGap::new);
        m.put(Unlock.ID, Unlock::new);
        m.put(DistShift.ID_1, DistShift::new);
        return m;
    }

    /** The nine ids, in the table's order. */
    public static List<String> ids() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * A new environment for {@code id}; reset it before stepping.
     *
     * @throws IllegalArgumentException for an unknown id, listing the MiniGrid ids
     */
    public static MiniGridEnv make(String id) {
        Supplier<MiniGridEnv> factory = id == null ? null : FACTORIES.get(id);
        if (factory == null) {
            throw new IllegalArgumentException("unknown MiniGrid id '" + id + "'; known ids: "
                    + String.join(", ", FACTORIES.keySet()));
        }
        return factory.get();
    }

    /** Registry entries of the nine ids: the time limit is {@code max_steps}, no reward threshold. */
    public static List<EnvSpec> specs() {
        return FACTORIES.entrySet().stream()
                .map(e -> new EnvSpec(e.getKey(), e.getValue().get().maxEpisodeSteps(), Double.NaN, e.getValue()))
                .toList();
    }
}
