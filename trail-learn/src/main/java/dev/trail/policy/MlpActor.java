package dev.trail.policy;

import dev.trail.dist.Categorical;
import dev.trail.nn.Activation;
import dev.trail.nn.Mlp;
import dev.trail.nn.Parameters;
import dev.trail.seed.Rng;

/**
 * A deterministic-head actor of the offline learners: one ReLU MLP {@code actor.*} from the
 * observation to either category logits (discrete actions; a Q-network's values serve as logits for
 * DQN-style learners) or one pre-squash value per action dimension (continuous actions:
 * {@code a = scale · tanh(out) + bias}, the action box's half-width and centre, as TD3's
 * {@code max_action · tanh}). Deterministic acting takes the argmax or the squashed output;
 * sampling draws from the softmax (discrete) and equals the deterministic action (continuous).
 * Further tensors in its {@link Parameters} (an IQL Gaussian's {@code log_std}) are ignored here.
 */
public final class MlpActor implements Actor {

    /** The tensor name prefix of the network. */
    public static final String PREFIX = "actor";

    private final PolicySpec spec;
    private final Parameters parameters;
    private final Mlp net;
    private final float[] scale;
    private final float[] bias;
    private float[] out;

    private MlpActor(PolicySpec spec, Parameters parameters, Mlp net) {
        this.spec = spec;
        this.parameters = parameters;
        this.net = net;
        int d = spec.actionSize();
        this.scale = new float[spec.discrete() ? 0 : d];
        this.bias = new float[scale.length];
        float[] low = spec.actionLow();
        float[] high = spec.actionHigh();
        for (int i = 0; i < scale.length; i++) {
            scale[i] = (high[i] - low[i]) / 2f;
            bias[i] = (high[i] + low[i]) / 2f;
        }
        this.out = new float[d];
    }

    /** An actor over the tensors {@code actor.*} of {@code parameters} shaped by {@code spec} (ReLU). */
    public static MlpActor attach(PolicySpec spec, Parameters parameters) {
        if (spec.activation() != Activation.RELU) {
            throw new IllegalArgumentException("an MLP actor uses ReLU, got " + spec.activation());
        }
        return new MlpActor(spec, parameters, Mlp.attach(PREFIX, spec.actorSizes(), Activation.RELU, parameters));
    }

    /** The network's shape. */
    public PolicySpec spec() {
        return spec;
    }

    /** The weights. */
    public Parameters parameters() {
        return parameters;
    }

    @Override
    public int observationSize() {
        return spec.observationSize();
    }

    @Override
    public boolean discrete() {
        return spec.discrete();
    }

    @Override
    public int actionSize() {
        return spec.actionSize();
    }

    @Override
    public void actOne(float[] observation, Rng rng, boolean deterministic, int[] discreteOut, float[] continuousOut) {
        net.forward(observation, 1, out);
        if (spec.discrete()) {
            discreteOut[0] = deterministic ? Categorical.mode(out, 0, out.length)
                    : Categorical.sample(out, 0, out.length, rng);
            return;
        }
        for (int i = 0; i < out.length; i++) {
            continuousOut[i] = scale[i] * (float) Math.tanh(out[i]) + bias[i];
        }
    }
}
