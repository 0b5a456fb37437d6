package dev.trail.advantage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SALT on text actions: compared in canonical form, never through a hash that can collide. */
class SaltTextActionsTest {

    static Trajectory answer(String id, double reward, String... actions) {
        double[] r = new double[actions.length];
        r[r.length - 1] = reward;
        return new Trajectory(id, "q", 0, null, 0, null, 0, r, null, null, null, true, false, Double.NaN, null, null,
                actions, null, 0, null);
    }

    static double[][] salt(Trajectory... ts) {
        return AdvantageEstimators.create("salt", Map.of()).estimate(List.of(new TrajectoryGroup("q", List.of(ts))))
                .advantages();
    }

    /** The key text actions had before: FNV-1a over the stripped string, 52 bits, then narrowed to a float. */
    static float oldNarrowedKey(String s) {
        long h = 0xcbf29ce484222325L;
        String t = "\"" + s.strip() + "\"";
        for (int i = 0; i < t.length(); i++) {
            h = (h ^ t.charAt(i)) * 0x100000001b3L;
        }
        return (float) (double) (h >>> 12);
    }

    @Test
    void actionsThatCollidedUnderTheOldFloatKeyStayApart() {
        Map<Float, String> seen = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String s = "answer " + i;
            String other = seen.putIfAbsent(oldNarrowedKey(s), s);
            if (other != null) {
                a = other;
                b = s;
            }
        }
        // same prompt, one shared first step, then the two different answers: a wins, b loses
        double[][] adv = salt(answer("w", 1, "think", a), answer("l", 0, "think", b));
        // GRPO over {1, 0}: +-0.7071; the shared first step averages to 0, the answers keep their own sign
        assertEquals(0.0, adv[0][0], 1e-9);
        assertEquals(0.7071, adv[0][1], 1e-4);
        assertEquals(-0.7071, adv[1][1], 1e-4);
        assertNotEquals(a, b);
    }

    @Test
    void actionsEqualInCanonicalFormAreOneNode() {
        double[][] adv = salt(answer("w", 1, "{\"tool\": \"calc\", \"x\": 1}", "ok"),
                answer("l", 0, " {\"x\":1,\"tool\":\"calc\"}", "no"));
        assertEquals(0.0, adv[0][0], 1e-9);
        assertEquals(0.0, adv[1][0], 1e-9);
        assertEquals(0.7071, adv[0][1], 1e-4);
    }
}
