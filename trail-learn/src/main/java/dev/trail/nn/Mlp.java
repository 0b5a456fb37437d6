package dev.trail.nn;

import ai.djl.ndarray.NDArray;
import dev.trail.seed.Rng;
import java.util.Arrays;

/**
 * A multi-layer perceptron {@code sizes[0] -> sizes[1] -> ... -> sizes[L]}: linear layers
 * {@code y = x W^T + b} with an {@link Activation} after every layer but the last.
 *
 * <p>Its weights live in a shared {@link Parameters} under {@code <prefix>.<layer>.weight}
 * ({@code [out, in]}) and {@code <prefix>.<layer>.bias} ({@code [out]}). Initialisation follows
 * CleanRL's {@code layer_init}: orthogonal weights with gain {@code hiddenGain} (√2) on hidden
 * layers and {@code outputGain} on the last (0.01 for a policy head, 1.0 for a value head), zero
 * biases.
 *
 * <p>Two forward passes over the same weights: {@link #forward(float[], int, float[])} in plain
 * Java for acting (a libtorch call costs 5-30 µs, more than this whole pass for small networks),
 * and {@link #forward(Parameters.Bound, NDArray)} on DJL tensors for learning. They agree to float
 * rounding. The Java pass reuses scratch buffers: one thread per instance.
 */
public final class Mlp {

    private final String prefix;
    private final int[] sizes;
    private final Activation activation;
    private final Parameters parameters;
    private final int[] weightIndex;
    private final int[] biasIndex;
    private float[] scratchA = new float[0];
    private float[] scratchB = new float[0];
    private final float[][] transposed;
    private long transposedVersion = Long.MIN_VALUE;

    private Mlp(String prefix, int[] sizes, Activation activation, Parameters parameters, int[] weightIndex,
            int[] biasIndex) {
        this.prefix = prefix;
        this.sizes = sizes;
        this.activation = activation;
        this.parameters = parameters;
        this.weightIndex = weightIndex;
        this.biasIndex = biasIndex;
        this.transposed = new float[weightIndex.length][];
    }

    /**
     * Creates the layers' tensors in {@code parameters}, initialised from {@code rng}.
     *
     * @param prefix name prefix of the tensors, e.g. {@code actor}
     * @param sizes layer widths including input and output, at least two entries
     * @param activation hidden nonlinearity
     * @param hiddenGain orthogonal gain of the hidden layers (CleanRL: √2)
     * @param outputGain orthogonal gain of the last layer (0.01 policy, 1.0 value)
     */
    public static Mlp create(String prefix, int[] sizes, Activation activation, double hiddenGain, double outputGain,
            Rng rng, Parameters parameters) {
        checkSizes(prefix, sizes);
        int layers = sizes.length - 1;
        int[] w = new int[layers];
        int[] b = new int[layers];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double gain = l == layers - 1 ? outputGain : hiddenGain;
            w[l] = parameters.add(prefix + "." + l + ".weight", new int[] {out, in},
                    Init.orthogonal(out, in, gain, rng));
            b[l] = parameters.add(prefix + "." + l + ".bias", new int[] {out}, new float[out]);
        }
        return new Mlp(prefix, sizes.clone(), activation, parameters, w, b);
    }

    /**
     * Creates the layers' tensors with PyTorch's default {@code nn.Linear} initialisation (weights
     * and biases uniform on {@code ±1/sqrt(fan_in)}, i.e. Kaiming-uniform with {@code a = √5}),
     * drawn from {@code rng}; CleanRL's SAC networks use it.
     */
    public static Mlp createDefaultInit(String prefix, int[] sizes, Activation activation, Rng rng,
            Parameters parameters) {
        checkSizes(prefix, sizes);
        int layers = sizes.length - 1;
        int[] w = new int[layers];
        int[] b = new int[layers];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double bound = 1 / Math.sqrt(in);
            w[l] = parameters.add(prefix + "." + l + ".weight", new int[] {out, in}, Init.uniform(out * in, bound, rng));
            b[l] = parameters.add(prefix + "." + l + ".bias", new int[] {out}, Init.uniform(out, bound, rng));
        }
        return new Mlp(prefix, sizes.clone(), activation, parameters, w, b);
    }

    /** Attaches to the existing tensors {@code <prefix>.*} of {@code parameters} (e.g. loaded from a checkpoint). */
    public static Mlp attach(String prefix, int[] sizes, Activation activation, Parameters parameters) {
        checkSizes(prefix, sizes);
        int layers = sizes.length - 1;
        int[] w = new int[layers];
        int[] b = new int[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = parameters.indexOf(prefix + "." + l + ".weight");
            b[l] = parameters.indexOf(prefix + "." + l + ".bias");
            int[] ws = parameters.get(w[l]).shape();
            if (ws.length != 2 || ws[0] != sizes[l + 1] || ws[1] != sizes[l]) {
                throw new IllegalArgumentException(prefix + "." + l + ".weight has shape " + Arrays.toString(ws)
                        + " but layer sizes " + Arrays.toString(sizes) + " need [" + sizes[l + 1] + ", " + sizes[l] + "]");
            }
        }
        return new Mlp(prefix, sizes.clone(), activation, parameters, w, b);
    }

    private static void checkSizes(String prefix, int[] sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP " + prefix + " needs input and output sizes, got " + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("MLP " + prefix + " layer sizes must be positive, got " + Arrays.toString(sizes));
            }
        }
    }

    /** The name prefix. */
    public String prefix() {
        return prefix;
    }

    /** Layer widths including input and output. */
    public int[] sizes() {
        return sizes.clone();
    }

    /** Input width. */
    public int inputSize() {
        return sizes[0];
    }

    /** Output width. */
    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** The hidden nonlinearity. */
    public Activation activation() {
        return activation;
    }

    /**
     * The Java forward pass on {@code n} rows: {@code x} is {@code [n, inputSize]} row-major,
     * {@code out} receives {@code [n, outputSize]}.
     */
    public void forward(float[] x, int n, float[] out) {
        if (x.length < n * sizes[0] || out.length < n * outputSize()) {
            throw new IllegalArgumentException("MLP " + prefix + ": " + n + " rows need " + n * sizes[0]
                    + " inputs and room for " + n * outputSize() + " outputs, got " + x.length + " and " + out.length);
        }
        int maxWidth = 0;
        for (int s : sizes) {
            maxWidth = Math.max(maxWidth, s);
        }
        if (scratchA.length < n * maxWidth) {
            scratchA = new float[n * maxWidth];
            scratchB = new float[n * maxWidth];
        }
        refreshTransposed();
        float[] in = x;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            float[] dst = last ? out : (l % 2 == 0 ? scratchA : scratchB);
            linear(in, n, sizes[l], sizes[l + 1], transposed[l], parameters.get(biasIndex[l]).data(), dst,
                    last ? null : activation);
            in = dst;
        }
    }

    /**
     * The Java pass reads each weight matrix transposed ({@code [in, out]}), so its inner loop is a
     * contiguous {@code y += x_i · W^T[i, :]} that the JIT vectorises; the copy is refreshed
     * whenever {@link Parameters#version()} moves (after every optimiser step).
     */
    private void refreshTransposed() {
        if (transposedVersion == parameters.version()) {
            return;
        }
        for (int l = 0; l < weightIndex.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] w = parameters.get(weightIndex[l]).data();
            float[] t = transposed[l] == null ? new float[in * out] : transposed[l];
            for (int j = 0; j < out; j++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + j] = w[j * in + i];
                }
            }
            transposed[l] = t;
        }
        transposedVersion = parameters.version();
    }

    /**
     * {@code y = act(b + x W^T)} row by row: each output the bias plus the products
     * {@code x_i · W^T[i, j]} added in ascending {@code i}, a multiply then an add (no fused
     * multiply-add), on the Vector API when present ({@link dev.trail.nn.fast.ForwardKernels}: the
     * same floats bit for bit as the plain loop).
     */
    private static void linear(float[] x, int n, int inSize, int outSize, float[] wT, float[] b, float[] y,
            Activation act) {
        dev.trail.nn.fast.ForwardKernels.linear(x, n, inSize, outSize, wT, b, y);
        if (act != null) {
            for (int k = 0, end = n * outSize; k < end; k++) {
                y[k] = act.apply(y[k]);
            }
        }
    }

    /** The forward pass on tensors: {@code x} is {@code [batch, inputSize]}; returns {@code [batch, outputSize]}. */
    public NDArray forward(Parameters.Bound bound, NDArray x) {
        NDArray h = x;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            NDArray w = bound.get(weightIndex[l]);
            NDArray b = bound.get(biasIndex[l]);
            h = h.getNDArrayInternal().linear(h, w, b).singletonOrThrow();
            if (l < layers - 1) {
                h = activation.apply(h);
            }
        }
        return h;
    }
}
