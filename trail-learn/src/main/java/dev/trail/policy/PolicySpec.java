package dev.trail.policy;

import dev.trail.nn.Activation;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import java.util.Arrays;

/**
 * The shape of an actor-critic network.
 *
 * @param observationSize length of a flat observation
 * @param discrete whether actions are categorical ({@code actionSize} categories) or continuous
 *     ({@code actionSize} dimensions)
 * @param actionSize number of categories, or action dimensions
 * @param hidden widths of the hidden layers of both actor and critic (CleanRL: 64, 64)
 * @param activation hidden nonlinearity (CleanRL PPO: tanh)
 * @param actionLow lower bounds of a continuous action space (empty for discrete)
 * @param actionHigh upper bounds of a continuous action space (empty for discrete)
 * @param encoder what turns an observation into the heads' input: {@link Encoder#NONE} (the flat
 *     observation itself) or {@link Encoder#GRID_CNN} (a {@link dev.trail.nn.GridCnn} shared by
 *     actor and critic)
 */
public record PolicySpec(int observationSize, boolean discrete, int actionSize, int[] hidden, Activation activation,
        float[] actionLow, float[] actionHigh, Encoder encoder) {

    /** The observation encoder in front of the actor and critic MLPs. */
    public enum Encoder {
        /** None: the MLPs read the flat observation. */
        NONE,
        /** {@link dev.trail.nn.GridCnn} over MiniGrid observations, shared by actor and critic. */
        GRID_CNN
    }

    /** A spec without an encoder. */
    public PolicySpec(int observationSize, boolean discrete, int actionSize, int[] hidden, Activation activation,
            float[] actionLow, float[] actionHigh) {
        this(observationSize, discrete, actionSize, hidden, activation, actionLow, actionHigh, Encoder.NONE);
    }

    public PolicySpec {
        if (observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("a policy needs observationSize >= 1 and actionSize >= 1, got "
                    + observationSize + " and " + actionSize);
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer widths must be >= 1, got " + Arrays.toString(hidden));
            }
        }
        actionLow = actionLow == null ? new float[0] : actionLow.clone();
        actionHigh = actionHigh == null ? new float[0] : actionHigh.clone();
        if (!discrete && (actionLow.length != actionSize || actionHigh.length != actionSize)) {
            throw new IllegalArgumentException("a continuous policy needs " + actionSize + " action bounds, got "
                    + actionLow.length + " and " + actionHigh.length);
        }
        encoder = encoder == null ? Encoder.NONE : encoder;
        if (encoder == Encoder.GRID_CNN && observationSize != dev.trail.nn.GridCnn.OBSERVATION_SIZE) {
            throw new IllegalArgumentException("the grid encoder reads MiniGrid observations of "
                    + dev.trail.nn.GridCnn.OBSERVATION_SIZE + " floats, got observationSize " + observationSize);
        }
    }

    /** This spec with another encoder. */
    public PolicySpec withEncoder(Encoder e) {
        return new PolicySpec(observationSize, discrete, actionSize, hidden, activation, actionLow, actionHigh, e);
    }

    /** Width of the MLP heads' input: the observation, or the encoder's features. */
    public int featureSize() {
        return encoder == Encoder.GRID_CNN ? dev.trail.nn.GridCnn.FEATURES : observationSize;
    }

    /** CleanRL's PPO network for these spaces: two tanh hidden layers of 64. */
    public static PolicySpec forSpaces(Space<?> observationSpace, Space<?> actionSpace) {
        return forSpaces(observationSpace, actionSpace, new int[] {64, 64}, Activation.TANH);
    }

    /** A network for these spaces with the given hidden layers. */
    public static PolicySpec forSpaces(Space<?> observationSpace, Space<?> actionSpace, int[] hidden,
            Activation activation) {
        if (!(observationSpace instanceof Box obs)) {
            throw new IllegalArgumentException("actor-critic policies take Box observations, got " + observationSpace);
        }
        if (actionSpace instanceof Discrete d) {
            if (d.start() != 0) {
                throw new IllegalArgumentException("discrete actions must start at 0, got " + d);
            }
            return new PolicySpec(obs.flatSize(), true, d.n(), hidden, activation, null, null);
        }
        if (actionSpace instanceof Box box) {
            return new PolicySpec(obs.flatSize(), false, box.flatSize(), hidden, activation, box.low(), box.high());
        }
        throw new IllegalArgumentException("actor-critic policies take Discrete or Box actions, got " + actionSpace);
    }

    /** Layer widths of the actor: observation, hidden..., action. */
    public int[] actorSizes() {
        return sizes(actionSize);
    }

    /** Layer widths of the critic: observation, hidden..., 1. */
    public int[] criticSizes() {
        return sizes(1);
    }

    private int[] sizes(int out) {
        int[] s = new int[hidden.length + 2];
        s[0] = featureSize();
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = out;
        return s;
    }

    /** A one-line description, e.g. {@code obs 4 -> [64, 64] tanh -> discrete 2}. */
    public String describe() {
        return "obs " + observationSize + (encoder == Encoder.GRID_CNN ? " -> grid-cnn " + featureSize() : "") + " -> "
                + Arrays.toString(hidden) + " " + activation.name().toLowerCase()
                + " -> " + (discrete ? "discrete " : "continuous ") + actionSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySpec p && observationSize == p.observationSize && discrete == p.discrete
                && actionSize == p.actionSize && Arrays.equals(hidden, p.hidden) && activation == p.activation
                && Arrays.equals(actionLow, p.actionLow) && Arrays.equals(actionHigh, p.actionHigh)
                && encoder == p.encoder;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden) * 31 + observationSize * 7 + actionSize;
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public float[] actionLow() {
        return actionLow.clone();
    }

    @Override
    public float[] actionHigh() {
        return actionHigh.clone();
    }

    @Override
    public String toString() {
        return describe();
    }
}
