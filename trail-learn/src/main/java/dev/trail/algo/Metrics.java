package dev.trail.algo;

/** Metric names, namespaced as CleanRL's TensorBoard tags. */
public final class Metrics {

    private Metrics() {
    }

    /** Mean undiscounted return of the episodes that ended during the update (raw rewards). */
    public static final String EPISODIC_RETURN = "charts/episodic_return";
    /** Mean length of the episodes that ended during the update. */
    public static final String EPISODIC_LENGTH = "charts/episodic_length";
    /** Number of episodes that ended during the update. */
    public static final String EPISODES = "charts/episodes";
    /** The learning rate used by the update. */
    public static final String LEARNING_RATE = "charts/learning_rate";
    /** Clipped-surrogate policy loss (last minibatch, as CleanRL). */
    public static final String POLICY_LOSS = "losses/policy_loss";
    /** Value loss including CleanRL's 0.5 factor, before {@code vf_coef} (last minibatch). */
    public static final String VALUE_LOSS = "losses/value_loss";
    /** Mean policy entropy (last minibatch). */
    public static final String ENTROPY = "losses/entropy";
    /** k1 estimate of KL(old || new), {@code mean(-log ρ)} (last minibatch). */
    public static final String OLD_APPROX_KL = "losses/old_approx_kl";
    /** k3 estimate of KL(old || new), {@code mean((ρ - 1) - log ρ)} (last minibatch). */
    public static final String APPROX_KL = "losses/approx_kl";
    /** Fraction of steps with {@code |ρ - 1| > ε}, averaged over all minibatches of the update. */
    public static final String CLIP_FRACTION = "losses/clipfrac";
    /** {@code 1 - Var(Ret - V) / Var(Ret)} over the batch. */
    public static final String EXPLAINED_VARIANCE = "losses/explained_variance";
    /** Global gradient norm before clipping (last minibatch). */
    public static final String GRAD_NORM = "losses/grad_norm";
    /** Epochs run (fewer than {@code update_epochs} after a target-KL stop). */
    public static final String EPOCHS = "charts/epochs";
    /** Environment steps per second since this process started training (wall clock: not reproducible). */
    public static final String STEPS_PER_SECOND = "time/steps_per_second";
    /** Wall-clock seconds the update spent collecting the rollout and computing advantages. */
    public static final String COLLECT_SECONDS = "time/collect_seconds";
    /** Wall-clock seconds the update spent in gradient steps. */
    public static final String OPTIMIZE_SECONDS = "time/optimize_seconds";
    /** SAC: mean of the two Q losses. */
    /** The behaviour-cloning loss {@code −mean log π(a_demo|s_demo)} of the last minibatch (concurrent BC). */
    public static final String BC_LOSS = "losses/bc_loss";
    /** The BC loss at the last step of BC pre-training (reported with the first update). */
    public static final String BC_PRETRAIN_LOSS = "losses/bc_pretrain_loss";
    public static final String QF_LOSS = "losses/qf_loss";
    /** SAC: actor loss. */
    public static final String ACTOR_LOSS = "losses/actor_loss";
    /** SAC: entropy temperature. */
    public static final String ALPHA = "losses/alpha";
    /** SAC: temperature loss. */
    public static final String ALPHA_LOSS = "losses/alpha_loss";
    /** SAC: mean Q value of the batch. */
    public static final String QF_VALUES = "losses/qf1_values";

    /** Whether a metric is wall-clock based and so differs between otherwise identical runs. */
    public static boolean isTiming(String name) {
        return name.startsWith("time/");
    }
}
