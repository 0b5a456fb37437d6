package dev.trail.nn.fast;

import dev.trail.nn.Activation;
import dev.trail.nn.Parameters;
import java.util.Arrays;

/**
 * The learner's view of a {@link dev.trail.nn.Mlp} in plain Java: a batched forward pass that
 * keeps every layer's activations, and the backward pass that turns a gradient on the outputs
 * into gradients on every weight and bias. No native call, no tensor.
 *
 * <p>Same network as {@code Mlp}: layers {@code y = x W^T + b}, widths {@code sizes[0] -> ... ->
 * sizes[L]}, the {@link Activation} after every layer but the last (linear output). It reads the
 * live tensors {@code <prefix>.<l>.weight} ({@code [out, in]}) and {@code <prefix>.<l>.bias}
 * ({@code [out]}) of a {@link Parameters} that {@code Mlp.create} filled: there is nothing to copy
 * between the DJL and the Java backend, and an optimiser step on those arrays is seen by the next
 * {@link #forward} call. Gradients are written in {@link Parameters} order into a
 * {@code float[][]} shaped like {@link Parameters#zerosLike()}, the layout
 * {@link dev.trail.optim.Adam} and {@link dev.trail.optim.GradientClipping} take.
 *
 * <p>Layout: row-major {@code [n, width]} for inputs, outputs and output gradients. Arithmetic is
 * float, as libtorch's; every product is a chain of fused multiply-adds in a fixed order (see
 * {@link Kernels}), so the same inputs give bit-identical outputs and gradients on every run,
 * JIT tier and thread, with or without the Vector API.
 *
 * <p>tanh is evaluated by a rational approximation in float (Eigen's {@code fast_tanh}; within
 * 8 ulp and 4e-7 absolute of the exact value, tested), not by {@link Activation#apply(float)}: it
 * vectorises, where a call to {@code Math.exp} per unit would dominate a 64-wide layer. The
 * outputs therefore differ from {@code Mlp}'s Java pass and from libtorch by a few float ulp.
 *
 * <p>Not thread-safe: buffers are reused between calls. One instance per network and thread.
 */
public final class JavaMlp {

    private final String prefix;
    private final int[] sizes;
    private final Activation activation;
    private final int[] weightIndex;
    private final int[] biasIndex;
    private final float[][] weights;
    private final float[][] biases;
    private final float[][] transposed;
    /** activations[l] is the input of layer l, {@code [n, sizes[l]]}; activations[0] is the caller's array. */
    private final float[][] activations;
    private float[] gradA = new float[0];
    private float[] gradB = new float[0];
    private float[] weightGradT = new float[0];
    private float[] ones = new float[0];
    private int rows = -1;

    private JavaMlp(String prefix, int[] sizes, Activation activation, Parameters parameters, int[] weightIndex,
            int[] biasIndex) {
        this.prefix = prefix;
        this.sizes = sizes;
        this.activation = activation;
        this.weightIndex = weightIndex;
        this.biasIndex = biasIndex;
        int layers = sizes.length - 1;
        this.weights = new float[layers][];
        this.biases = new float[layers][];
        this.transposed = new float[layers][];
        for (int l = 0; l < layers; l++) {
            weights[l] = parameters.get(weightIndex[l]).data();
            biases[l] = parameters.get(biasIndex[l]).data();
            transposed[l] = new float[weights[l].length];
        }
        this.activations = new float[layers + 1][];
    }

    /**
     * Attaches to the tensors {@code <prefix>.<l>.weight} and {@code <prefix>.<l>.bias} of
     * {@code parameters}, the names {@code Mlp} gives them.
     *
     * @param sizes layer widths including input and output, at least two entries
     * @throws IllegalArgumentException if a tensor is missing or has the wrong shape
     */
    public static JavaMlp attach(String prefix, int[] sizes, Activation activation, Parameters parameters) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP " + prefix + " needs input and output sizes, got " + Arrays.toString(sizes));
        }
        if (activation != Activation.TANH && activation != Activation.RELU) {
            throw new IllegalArgumentException("JavaMlp supports tanh and relu hidden layers, got " + activation);
        }
        int layers = sizes.length - 1;
        int[] w = new int[layers];
        int[] b = new int[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = parameters.indexOf(prefix + "." + l + ".weight");
            b[l] = parameters.indexOf(prefix + "." + l + ".bias");
            int[] ws = parameters.get(w[l]).shape();
            int[] bs = parameters.get(b[l]).shape();
            if (ws.length != 2 || ws[0] != sizes[l + 1] || ws[1] != sizes[l] || bs.length != 1 || bs[0] != sizes[l + 1]) {
                throw new IllegalArgumentException(prefix + "." + l + " has weight " + Arrays.toString(ws) + " and bias "
                        + Arrays.toString(bs) + " but layer sizes " + Arrays.toString(sizes) + " need [" + sizes[l + 1]
                        + ", " + sizes[l] + "] and [" + sizes[l + 1] + "]");
            }
        }
        return new JavaMlp(prefix, sizes.clone(), activation, parameters, w, b);
    }

    /** The name prefix. */
    public String prefix() {
        return prefix;
    }

    /** Input width. */
    public int inputSize() {
        return sizes[0];
    }

    /** Output width. */
    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /**
     * The forward pass on {@code n} rows of {@code x} ({@code [n, inputSize]}, read, kept by
     * reference until the next call and not modified), keeping the activations for
     * {@link #backward}.
     *
     * @return the outputs {@code [n, outputSize]} in the first {@code n · outputSize} entries of an
     *     internal buffer (possibly longer), valid until the next call
     */
    public float[] forward(float[] x, int n) {
        if (n < 1 || x.length < n * sizes[0]) {
            throw new IllegalArgumentException("MLP " + prefix + ": " + n + " rows need " + n * sizes[0]
                    + " inputs, got " + x.length);
        }
        ensureBuffers(n);
        activations[0] = x;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            Kernels.transpose(weights[l], sizes[l + 1], sizes[l], transposed[l]);
            float[] y = activations[l + 1];
            Kernels.matmul(activations[l], false, transposed[l], biases[l], y, n, sizes[l], sizes[l + 1]);
            if (l < layers - 1) {
                if (activation == Activation.TANH) {
                    Kernels.tanhInPlace(y, n * sizes[l + 1]);
                } else {
                    reluInPlace(y, n * sizes[l + 1]);
                }
            }
        }
        rows = n;
        return activations[layers];
    }

    /**
     * The backward pass of the last {@link #forward} call: given {@code dOutput} = ∂loss/∂output
     * ({@code [n, outputSize]}), writes ∂loss/∂W and ∂loss/∂b of every layer into
     * {@code gradients[index]} at this network's parameter indices (overwriting them; the other
     * entries are not touched). {@code dOutput} is not modified.
     */
    public void backward(float[] dOutput, float[][] gradients) {
        if (rows < 0) {
            throw new IllegalStateException("MLP " + prefix + ": backward needs a forward pass first");
        }
        int n = rows;
        int layers = sizes.length - 1;
        if (dOutput.length < n * outputSize()) {
            throw new IllegalArgumentException("MLP " + prefix + ": " + n + " rows need " + n * outputSize()
                    + " output gradients, got " + dOutput.length);
        }
        float[] dz = dOutput;
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] x = activations[l];
            float[] dW = gradients[weightIndex[l]];
            float[] db = gradients[biasIndex[l]];
            if (dW.length != in * out || db.length != out) {
                throw new IllegalArgumentException("gradient buffers of " + prefix + "." + l + " hold " + dW.length
                        + " and " + db.length + " values, the layer needs " + in * out + " and " + out);
            }
            biasGradient(dz, n, out, db);
            weightGradient(dz, x, n, in, out, dW);
            if (l > 0) {
                float[] dx = dz == gradA ? gradB : gradA;
                inputGradient(dz, weights[l], n, in, out, dx);
                activationBackward(x, dx, n * in);
                dz = dx;
            }
        }
    }

    private void ensureBuffers(int n) {
        int maxWidth = 0;
        for (int s : sizes) {
            maxWidth = Math.max(maxWidth, s);
        }
        for (int l = 1; l < activations.length; l++) {
            if (activations[l] == null || activations[l].length < n * sizes[l]) {
                activations[l] = new float[n * sizes[l]];
            }
        }
        if (gradA.length < n * maxWidth) {
            gradA = new float[n * maxWidth];
            gradB = new float[n * maxWidth];
        }
        int maxLayer = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            maxLayer = Math.max(maxLayer, sizes[l] * sizes[l + 1]);
        }
        if (weightGradT.length < maxLayer) {
            weightGradT = new float[maxLayer];
        }
        if (ones.length < n) {
            ones = new float[n];
            Arrays.fill(ones, 1f);
        }
    }

    /** {@code db[j] = Σ_r dz[r, j]}, as the product of a row of ones with {@code dz}. */
    private void biasGradient(float[] dz, int n, int out, float[] db) {
        Kernels.matmul(ones, false, dz, null, db, 1, n, out);
    }

    /**
     * {@code dW[j, i] = Σ_r dz[r, j] x[r, i]}: {@code dz^T x}, or {@code (x^T dz)^T} when the layer
     * has fewer inputs than outputs, so the kernel's vectors run along the wider dimension.
     */
    private void weightGradient(float[] dz, float[] x, int n, int in, int out, float[] dW) {
        if (in >= out) {
            Kernels.matmul(dz, true, x, null, dW, out, n, in);
        } else {
            Kernels.matmul(x, true, dz, null, weightGradT, in, n, out);
            Kernels.transpose(weightGradT, in, out, dW);
        }
    }

    /** {@code dx = dz W}: {@code dx[r, i] = Σ_j dz[r, j] W[j, i]}. */
    private static void inputGradient(float[] dz, float[] w, int n, int in, int out, float[] dx) {
        Kernels.matmul(dz, false, w, null, dx, n, out, in);
    }

    /** {@code dx *= f'(z)}, written with the activation {@code h = f(z)}: tanh' = 1 - h², relu' = [h > 0]. */
    private void activationBackward(float[] h, float[] dx, int count) {
        if (activation == Activation.TANH) {
            for (int k = 0; k < count; k++) {
                float hk = h[k];
                dx[k] *= 1f - hk * hk;
            }
        } else {
            for (int k = 0; k < count; k++) {
                dx[k] = h[k] > 0f ? dx[k] : 0f;
            }
        }
    }

    private static void reluInPlace(float[] y, int count) {
        for (int k = 0; k < count; k++) {
            y[k] = y[k] > 0f ? y[k] : 0f;
        }
    }

    // Eigen's generic_fast_tanh_float: tanh(x) ≈ x·p(x²)/q(x²) on [-7.9, 7.9], where |tanh| rounds
    // to 1 outside.
    static final float TANH_CLAMP = 7.90531110763549805f;
    static final float A1 = 4.89352455891786e-03f;
    static final float A3 = 6.37261928875436e-04f;
    static final float A5 = 1.48572235717979e-05f;
    static final float A7 = 5.12229709037114e-08f;
    static final float A9 = -8.60467152213735e-11f;
    static final float A11 = 2.00018790482477e-13f;
    static final float A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f;
    static final float B2 = 2.26843463243900e-03f;
    static final float B4 = 1.18534705686654e-04f;
    static final float B6 = 1.19825839466702e-06f;

    /** tanh of one float by the approximation the forward pass uses. */
    static float tanh(float v) {
        float x = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, v));
        float x2 = x * x;
        float p = A13;
        p = p * x2 + A11;
        p = p * x2 + A9;
        p = p * x2 + A7;
        p = p * x2 + A5;
        p = p * x2 + A3;
        p = p * x2 + A1;
        p = p * x;
        float q = B6;
        q = q * x2 + B4;
        q = q * x2 + B2;
        q = q * x2 + B0;
        return p / q;
    }
}
