package dev.trail.policy;

import dev.trail.dist.Categorical;
import dev.trail.rollout.VectorPolicy;
import dev.trail.seed.Rng;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;

/**
 * The policies that collect datasets ({@code trail collect}, {@code trail rollout}), as
 * {@link VectorPolicy}s on raw observations: uniformly random actions, or a trained policy
 * checkpoint (its observation normalisation applied internally, so collected observations stay
 * raw), optionally made noisier the way D4RL-style recipes do.
 *
 * <p>ε-greedy (discrete actions): with probability ε a uniform action instead of the policy's
 * sample; the recorded log-probability is the mixture's, {@code log((1 − ε)·π(a|s) + ε/n)}.
 * Gaussian action noise (continuous actions): {@code a + σ·N(0, I)}; the log-probability of the
 * noisy action is then unknown and not recorded.
 */
public final class BehaviourPolicy implements VectorPolicy {

    private final PolicyCheckpoint.Loaded loaded;
    private final VectorPolicy scripted;
    private final Space<?> actionSpace;
    private final double epsilon;
    private final double actionNoise;

    private BehaviourPolicy(PolicyCheckpoint.Loaded loaded, Space<?> actionSpace, double epsilon, double actionNoise) {
        this(loaded, null, actionSpace, epsilon, actionNoise);
    }

    private BehaviourPolicy(PolicyCheckpoint.Loaded loaded, VectorPolicy scripted, Space<?> actionSpace, double epsilon,
            double actionNoise) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        if (!(actionNoise >= 0) || Double.isInfinite(actionNoise)) {
            throw new IllegalArgumentException("action noise must be finite and >= 0, got " + actionNoise);
        }
        if (epsilon > 0 && !(actionSpace instanceof Discrete)) {
            throw new IllegalArgumentException("epsilon needs discrete actions; " + actionSpace
                    + " is continuous (use action noise)");
        }
        if (actionNoise > 0 && !(actionSpace instanceof Box)) {
            throw new IllegalArgumentException("action noise needs continuous actions; " + actionSpace
                    + " is discrete (use epsilon)");
        }
        this.loaded = loaded;
        this.scripted = scripted;
        this.actionSpace = actionSpace;
        this.epsilon = epsilon;
        this.actionNoise = actionNoise;
    }

    /** Uniformly random actions from {@code actionSpace} (Discrete or Box); log-probabilities of the uniform law. */
    public static BehaviourPolicy random(Space<?> actionSpace) {
        if (!(actionSpace instanceof Discrete) && !(actionSpace instanceof Box)) {
            throw new IllegalArgumentException("random collection needs Discrete or Box actions, got " + actionSpace);
        }
        return new BehaviourPolicy(null, actionSpace, 0, 0);
    }

    /** A trained policy (PPO's actor-critic or SAC's actor), with ε-greedy or Gaussian action noise (0: none). */
    public static BehaviourPolicy of(PolicyCheckpoint.Loaded loaded, Space<?> actionSpace, double epsilon,
            double actionNoise) {
        return new BehaviourPolicy(loaded, actionSpace, epsilon, actionNoise);
    }

    /**
     * A scripted continuous-action policy (e.g. {@code MountainCarExpert}) that reports no
     * log-probabilities, with Gaussian action noise (0: none).
     */
    public static BehaviourPolicy scripted(VectorPolicy policy, Space<?> actionSpace, double actionNoise) {
        if (!(actionSpace instanceof Box)) {
            throw new IllegalArgumentException("a scripted behaviour policy needs continuous actions, got " + actionSpace);
        }
        return new BehaviourPolicy(null, policy, actionSpace, 0, actionNoise);
    }

    /** Whether the recorded log-probabilities are the behaviour's own. */
    public boolean reportsLogProbs() {
        return scripted == null && actionNoise == 0 && (loaded == null || loaded.policy() instanceof ActorCritic
                || loaded.policy() instanceof SquashedGaussianActor);
    }

    /** Whether values are recorded (a policy with a critic). */
    public boolean reportsValues() {
        return loaded != null && loaded.policy() instanceof ActorCritic;
    }

    @Override
    public Acted act(float[] observations, int n, Rng rng) {
        if (scripted != null) {
            Acted a = scripted.act(observations, n, rng);
            return actionNoise > 0 ? noisy(a, n, rng) : a;
        }
        if (loaded == null) {
            return random(n, rng);
        }
        float[] input = prepared(observations);
        if (loaded.policy() instanceof ActorCritic ac) {
            Acted a = ac.act(input, n, rng);
            if (epsilon > 0) {
                int k = ((Discrete) actionSpace).n();
                float[] logits = ac.actorOutputs(input, n);
                int[] actions = a.discreteActions().clone();
                float[] logProbs = new float[n];
                for (int r = 0; r < n; r++) {
                    if (rng.nextDouble() < epsilon) {
                        actions[r] = rng.nextInt(k);
                    }
                    double p = Math.exp(Categorical.logProb(logits, r * k, k, actions[r]));
                    logProbs[r] = (float) Math.log((1 - epsilon) * p + epsilon / k);
                }
                return new Acted(actions, null, logProbs, a.values());
            }
            return actionNoise > 0 ? noisy(a, n, rng) : a;
        }
        if (loaded.policy() instanceof SquashedGaussianActor sg) {
            float[] lp = new float[n];
            float[] actions = sg.act(input, n, rng, lp);
            Acted a = new Acted(null, actions, lp, null);
            return actionNoise > 0 ? noisy(a, n, rng) : a;
        }
        throw new IllegalArgumentException("cannot collect with a " + loaded.policy().getClass().getSimpleName());
    }

    private Acted noisy(Acted a, int n, Rng rng) {
        float[] actions = a.continuousActions().clone();
        for (int i = 0; i < actions.length; i++) {
            actions[i] += (float) (actionNoise * rng.nextGaussian());
        }
        return new Acted(null, actions, null, a.values());
    }

    private Acted random(int n, Rng rng) {
        if (actionSpace instanceof Discrete d) {
            int[] actions = new int[n];
            float[] logProbs = new float[n];
            for (int r = 0; r < n; r++) {
                actions[r] = rng.nextInt(d.n());
                logProbs[r] = (float) -Math.log(d.n());
            }
            return new Acted(actions, null, logProbs, null);
        }
        Box box = (Box) actionSpace;
        int k = box.flatSize();
        float[] actions = new float[n * k];
        float[] logProbs = new float[n];
        double logDensity = 0;
        for (int j = 0; j < k; j++) {
            logDensity -= Math.log((double) box.high(j) - box.low(j));
        }
        for (int r = 0; r < n; r++) {
            System.arraycopy(box.sample(rng), 0, actions, r * k, k);
            logProbs[r] = (float) logDensity;
        }
        return new Acted(null, actions, logProbs, null);
    }

    @Override
    public float[] values(float[] observations, int n) {
        if (loaded != null && loaded.policy() instanceof ActorCritic ac) {
            return ac.values(prepared(observations), n);
        }
        return null;
    }

    /** The observations as the policy sees them: normalised in a copy when it normalises, else as they are. */
    private float[] prepared(float[] observations) {
        if (loaded.observationNormalizer() == null) {
            return observations;
        }
        float[] input = observations.clone();
        loaded.prepareObservations(input);
        return input;
    }
}
