package dev.trail.data;

import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Trajectories with every field of the schema set, for round trips. */
final class Samples {

    private Samples() {
    }

    /** A CartPole-sized episode: 4 floats per observation, one discrete action, reward 1 per step. */
    static Trajectory cartPole(int i, int length, SplittableRandom rng) {
        float[] obs = new float[(length + 1) * 4];
        for (int k = 0; k < obs.length; k++) {
            obs[k] = (float) (rng.nextDouble() - 0.5);
        }
        float[] act = new float[length];
        double[] rew = new double[length];
        for (int s = 0; s < length; s++) {
            act[s] = rng.nextInt(2);
            rew[s] = 1.0;
        }
        return new Trajectory("ep-" + i, null, i, obs, 4, act, 1, rew, null, null, null, true, false, Double.NaN, null,
                "CartPole-v1", null, null, 0, Map.of(Labels.POLICY, "random"));
    }

    /** Every optional field in use: log-probs, values, mask, cost, an extra, labels, a greedy reward. */
    static Trajectory full(String id, String group, int length, SplittableRandom rng) {
        float[] obs = new float[(length + 1) * 3];
        for (int k = 0; k < obs.length; k++) {
            obs[k] = (float) rng.nextGaussian();
        }
        float[] act = new float[length * 2];
        for (int k = 0; k < act.length; k++) {
            act[k] = (float) rng.nextGaussian();
        }
        double[] rew = new double[length];
        double[] lp = new double[length];
        double[] val = new double[length];
        boolean[] mask = new boolean[length];
        double[] cost = new double[length];
        double[] progress = new double[length];
        for (int s = 0; s < length; s++) {
            rew[s] = rng.nextGaussian();
            lp[s] = -rng.nextDouble();
            val[s] = rng.nextGaussian();
            mask[s] = s % 3 != 1;
            cost[s] = rng.nextInt(2);
            progress[s] = s / (double) length;
        }
        Map<String, double[]> extras = new LinkedHashMap<>();
        extras.put(Labels.COST, cost);
        extras.put("progress", progress);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.POLICY, "runs/ppo-1");
        labels.put(Labels.GREEDY_REWARD, "0.5");
        return new Trajectory(id, group, 42 + length, obs, 3, act, 2, rew, lp, val, mask, false, true, 1.25, extras,
                "Pendulum-v1", null, null, 0, labels);
    }

    /** A text-action tree: a root answer and two branches that share its first steps. */
    static List<Trajectory> textTree() {
        List<Trajectory> out = new ArrayList<>();
        out.add(text("a", null, 0, new String[] {"think", "<calc>37*89</calc>", "3293"}, 1));
        out.add(text("b", "a", 2, new String[] {"think", "<calc>37*89</calc>", "3292"}, 0));
        out.add(text("c", "a", 1, new String[] {"think", "{\"tool\": \"calc\", \"x\": 1}"}, 0));
        return out;
    }

    static Trajectory text(String id, String parent, int branch, String[] actions, double outcome) {
        double[] rew = new double[actions.length];
        rew[rew.length - 1] = outcome;
        double[] lp = new double[actions.length];
        java.util.Arrays.fill(lp, -2.5);
        return new Trajectory(id, "q1", 0, null, 0, null, 0, rew, lp, null, null, true, false, Double.NaN, null,
                "Arithmetic-v0", actions, parent, branch, null);
    }

    /** The first record component in which two trajectories differ, for readable failures ("" if none). */
    static String diff(Trajectory a, Trajectory b) {
        for (java.lang.reflect.RecordComponent c : Trajectory.class.getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(b);
                boolean same = x instanceof float[] f ? java.util.Arrays.equals(f, (float[]) y)
                        : x instanceof double[] d ? java.util.Arrays.equals(d, (double[]) y)
                        : x instanceof boolean[] m ? java.util.Arrays.equals(m, (boolean[]) y)
                        : x instanceof Object[] o ? java.util.Arrays.equals(o, (Object[]) y)
                        : x instanceof Map<?, ?> && y instanceof Map<?, ?> ? a.equals(b) || !c.getName().equals("extras") && x.equals(y)
                        : java.util.Objects.equals(x, y);
                if (!same) {
                    return a.id() + "." + c.getName() + ": " + deep(x) + " vs " + deep(y);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return "";
    }

    private static String deep(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, v) -> b.append(k).append('=').append(deep(v)).append(' '));
            return b.append('}').toString();
        }
        return o != null && o.getClass().isArray() ? java.util.Arrays.deepToString(new Object[] {o}) : String.valueOf(o);
    }

    static void assertSame(List<Trajectory> want, List<Trajectory> got) {
        org.junit.jupiter.api.Assertions.assertEquals(want.size(), got.size(), "trajectory count");
        for (int i = 0; i < want.size(); i++) {
            org.junit.jupiter.api.Assertions.assertEquals("", diff(want.get(i), got.get(i)), "trajectory " + i);
            org.junit.jupiter.api.Assertions.assertEquals(want.get(i), got.get(i));
        }
    }
}
