package dev.trail.algo.offline;

import dev.trail.env.ArrayEnv;
import dev.trail.envs.Envs;
import dev.trail.offline.TransitionDataset;
import dev.trail.seed.Rng;
import dev.trail.trajectory.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tiny offline datasets made by hand-written controllers, for the learner tests. */
final class OfflineData {

    private OfflineData() {
    }

    /** A behaviour on one flat observation: a discrete action (as a float) or continuous ones. */
    interface Controller {
        float[] act(float[] obs, Rng rng);
    }

    /** CartPole: push towards the side the pole falls to (θ + 0.5 θ̇), with probability {@code 1 − eps}. */
    static Controller cartPoleExpert(double eps) {
        return (o, rng) -> new float[] {rng.nextDouble() < eps ? rng.nextInt(2) : (o[2] + 0.5f * o[3] > 0 ? 1 : 0)};
    }

    /** Uniform actions of a 2-action env. */
    static Controller twoActionRandom() {
        return (o, rng) -> new float[] {rng.nextInt(2)};
    }

    /**
     * Pendulum (obs cos θ, sin θ, θ̇; θ = 0 upright): a PD controller near the top, energy pumping
     * elsewhere, plus Gaussian noise of std {@code noise}, clipped to [−2, 2].
     */
    static Controller pendulumExpert(double noise) {
        return (o, rng) -> {
            double theta = Math.atan2(o[1], o[0]);
            double u;
            if (o[0] > 0.85) {
                u = -(10 * theta + 2 * o[2]);
            } else {
                double energy = 0.5 * o[2] * o[2] + 10 * (o[0] - 1); // 0 at rest upright
                u = energy < 0 ? 2 * Math.signum(o[2] == 0 ? 1 : o[2]) : -0.5 * o[2];
            }
            u += noise * rng.nextGaussian();
            return new float[] {(float) Math.max(-2, Math.min(2, u))};
        };
    }

    /** Uniform torques of Pendulum. */
    static Controller pendulumRandom() {
        return (o, rng) -> new float[] {(float) (4 * rng.nextDouble() - 2)};
    }

    /** Whole episodes of {@code controller} on {@code envId}, reset with seeds from {@code seed}. */
    static List<Trajectory> episodes(String envId, Controller controller, int count, long seed, String label) {
        List<Trajectory> out = new ArrayList<>();
        Rng rng = new Rng(seed);
        try (ArrayEnv<?> env = Envs.spec(envId).makeArray()) {
            int d = env.observationSize();
            boolean discrete = env.actionSpace() instanceof dev.trail.space.Discrete;
            for (int k = 0; k < count; k++) {
                List<float[]> obs = new ArrayList<>();
                List<float[]> acts = new ArrayList<>();
                List<Double> rewards = new ArrayList<>();
                float[] o = new float[d];
                env.resetInto(seed * 1000 + k, o, 0);
                obs.add(o.clone());
                while (true) {
                    float[] a = controller.act(o, rng);
                    double r = discrete ? env.stepInto((int) a[0], o, 0) : env.stepInto(a, 0, o, 0);
                    acts.add(a);
                    rewards.add(r);
                    obs.add(o.clone());
                    if (env.terminated() || env.truncated()) {
                        break;
                    }
                }
                int t = rewards.size();
                int ad = acts.get(0).length;
                float[] flatObs = new float[(t + 1) * d];
                for (int s = 0; s <= t; s++) {
                    System.arraycopy(obs.get(s), 0, flatObs, s * d, d);
                }
                float[] flatActs = new float[t * ad];
                double[] r = new double[t];
                for (int s = 0; s < t; s++) {
                    System.arraycopy(acts.get(s), 0, flatActs, s * ad, ad);
                    r[s] = rewards.get(s);
                }
                out.add(new Trajectory(label + "-" + k, "g", seed * 1000 + k, flatObs, d, flatActs, ad, r, null, null,
                        null, env.terminated(), env.truncated(), Double.NaN, null));
            }
        }
        return out;
    }

    /** The dataset of {@code trajectories}, fitted to {@code envId}, with reference returns. */
    static TransitionDataset dataset(String envId, List<Trajectory> trajectories, double randomReturn,
            double expertReturn) {
        TransitionDataset d = TransitionDataset.of(envId + "-test.jsonl", "sha256:test", trajectories,
                Map.of(TransitionDataset.REFERENCE_RETURN_RANDOM, Double.toString(randomReturn),
                        TransitionDataset.REFERENCE_RETURN_EXPERT, Double.toString(expertReturn)));
        try (ArrayEnv<?> env = Envs.spec(envId).makeArray()) {
            return d.fitted(env.observationSpace(), env.actionSpace());
        }
    }

    static double meanReturn(List<Trajectory> ts) {
        return ts.stream().mapToDouble(Trajectory::totalReward).average().orElse(Double.NaN);
    }
}
