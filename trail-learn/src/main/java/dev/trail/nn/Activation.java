package dev.trail.nn;

import ai.djl.ndarray.NDArray;

/** Hidden-layer nonlinearities, each with its Java and its tensor form. */
public enum Activation {
    /** Hyperbolic tangent: CleanRL's choice for PPO on classic control and MuJoCo. */
    TANH {
        @Override
        public float apply(float x) {
            return (float) Math.tanh(x);
        }

        @Override
        public NDArray apply(NDArray x) {
            return x.tanh();
        }
    },
    /** {@code max(0, x)}: CleanRL's choice for SAC. */
    RELU {
        @Override
        public float apply(float x) {
            return x > 0 ? x : 0f;
        }

        @Override
        public NDArray apply(NDArray x) {
            return ai.djl.nn.Activation.relu(x);
        }
    };

    /** The nonlinearity on one value. */
    public abstract float apply(float x);

    /** The nonlinearity on a tensor (a new tensor). */
    public abstract NDArray apply(NDArray x);
}
