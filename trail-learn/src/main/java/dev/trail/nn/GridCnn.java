package dev.trail.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.trail.env.GridObservation;
import dev.trail.seed.Rng;

/**
 * The small convolutional encoder of MiniGrid observations ({@link GridObservation}: the 7×7×3
 * image of codes and the direction), as in rl-starter-files' {@code ACModel}: three 2×2
 * convolutions of 16, 32 and 64 channels with ReLU, a 2×2 max-pool after the first:
 *
 * <pre>
 * image codes --one-hot--> [20, 7, 7] --conv 2×2, 16--> relu --maxpool 2×2--> [16, 3, 3]
 *   --conv 2×2, 32--> relu [32, 2, 2] --conv 2×2, 64--> relu [64, 1, 1]
 * features = [64 conv outputs, one-hot direction (4)]                      (68 values)
 * </pre>
 *
 * <p>Input encoding (where it differs from rl-starter-files, which feeds the raw codes as three
 * float channels and ignores the direction): each cell's object (11 values), colour (6) and
 * state (3) are one-hot planes, 20 channels, so that no code is read as a magnitude; the
 * direction is appended one-hot to the convolution's output. Plane axes: height is the image's
 * first axis ({@code vx}), width its second ({@code vy}), the layout rl-starter-files' transposes give.
 * A code outside its range is an {@link IllegalArgumentException} naming the row, cell and value.
 *
 * <p>Weights live in a shared {@link Parameters} under {@code <prefix>.conv<l>.weight}
 * ({@code [out, in, 2, 2]}) and {@code <prefix>.conv<l>.bias}, initialised as PyTorch's
 * {@code nn.Conv2d} (uniform on {@code ±1/sqrt(in·4)}). Two forward passes over the same weights,
 * like {@link Mlp}: plain Java for acting ({@link #forward(float[], int)}) and DJL tensors for
 * learning ({@link #forward(Parameters.Bound, NDArray)}); they agree to float rounding (tested).
 * The Java pass reuses scratch buffers: one thread per instance.
 */
public final class GridCnn {

    /** Side of the image. */
    public static final int VIEW = GridObservation.VIEW_SIZE;
    /** One-hot input planes: 11 object types + 6 colours + 3 states. */
    public static final int IN_CHANNELS = 20;
    /** Output channels of the three convolutions. */
    private static final int[] CHANNELS = {IN_CHANNELS, 16, 32, 64};
    /** Features out: the last convolution's 64 values and the 4 direction indicators. */
    public static final int FEATURES = 64 + GridObservation.DIRECTIONS;
    /** Observation length the encoder reads. */
    public static final int OBSERVATION_SIZE = GridObservation.SIZE;

    private static final int[] PLANE_OFFSET = {0, 11, 17};

    private final Parameters parameters;
    private final int[] weightIndex = new int[3];
    private final int[] biasIndex = new int[3];
    private float[] scratch0 = new float[0];
    private float[] scratch1 = new float[0];
    private float[] scratch2 = new float[0];
    private float[] out = new float[0];

    private GridCnn(Parameters parameters, String prefix) {
        this.parameters = parameters;
        for (int l = 0; l < 3; l++) {
            weightIndex[l] = parameters.indexOf(prefix + ".conv" + l + ".weight");
            biasIndex[l] = parameters.indexOf(prefix + ".conv" + l + ".bias");
            int[] ws = parameters.get(weightIndex[l]).shape();
            if (ws.length != 4 || ws[0] != CHANNELS[l + 1] || ws[1] != CHANNELS[l] || ws[2] != 2 || ws[3] != 2) {
                throw new IllegalArgumentException(prefix + ".conv" + l + ".weight has shape "
                        + java.util.Arrays.toString(ws) + ", the grid encoder needs [" + CHANNELS[l + 1] + ", "
                        + CHANNELS[l] + ", 2, 2]");
            }
        }
    }

    /** Creates the encoder's tensors in {@code parameters} with PyTorch's default init drawn from {@code rng}. */
    public static GridCnn create(String prefix, Rng rng, Parameters parameters) {
        for (int l = 0; l < 3; l++) {
            int in = CHANNELS[l];
            int outC = CHANNELS[l + 1];
            double bound = 1 / Math.sqrt(in * 4.0);
            parameters.add(prefix + ".conv" + l + ".weight", new int[] {outC, in, 2, 2},
                    Init.uniform(outC * in * 4, bound, rng));
            parameters.add(prefix + ".conv" + l + ".bias", new int[] {outC}, Init.uniform(outC, bound, rng));
        }
        return new GridCnn(parameters, prefix);
    }

    /** Attaches to existing tensors {@code <prefix>.conv*} (e.g. from a checkpoint). */
    public static GridCnn attach(String prefix, Parameters parameters) {
        return new GridCnn(parameters, prefix);
    }

    /**
     * The one-hot input planes of {@code n} observations, {@code [n, 20, 7, 7]} (a new array);
     * codes are checked.
     */
    public static float[] planes(float[] observations, int n) {
        float[] p = new float[n * IN_CHANNELS * VIEW * VIEW];
        for (int r = 0; r < n; r++) {
            int o = r * OBSERVATION_SIZE;
            int base = r * IN_CHANNELS * VIEW * VIEW;
            for (int cell = 0; cell < VIEW * VIEW; cell++) {
                for (int c = 0; c < 3; c++) {
                    int v = code(observations, r, o, cell, c);
                    p[base + (PLANE_OFFSET[c] + v) * VIEW * VIEW + cell] = 1f;
                }
            }
        }
        return p;
    }

    /** The one-hot directions of {@code n} observations, {@code [n, 4]} (a new array). */
    public static float[] directions(float[] observations, int n) {
        float[] d = new float[n * GridObservation.DIRECTIONS];
        for (int r = 0; r < n; r++) {
            d[r * GridObservation.DIRECTIONS + direction(observations, r)] = 1f;
        }
        return d;
    }

    private static int code(float[] obs, int row, int offset, int cell, int channel) {
        float f = obs[offset + cell * 3 + channel];
        int v = (int) f;
        if (v != f || v < 0 || v >= GridObservation.CHANNEL_VALUES[channel]) {
            throw new IllegalArgumentException("grid observation " + row + ": cell (" + cell / VIEW + ", " + cell % VIEW
                    + ") channel " + channel + " has value " + f + ", expected an integer in [0, "
                    + GridObservation.CHANNEL_VALUES[channel] + ")");
        }
        return v;
    }

    private static int direction(float[] obs, int row) {
        float f = obs[row * OBSERVATION_SIZE + OBSERVATION_SIZE - 1];
        int v = (int) f;
        if (v != f || v < 0 || v >= GridObservation.DIRECTIONS) {
            throw new IllegalArgumentException("grid observation " + row + ": direction " + f
                    + " is not an integer in [0, 4)");
        }
        return v;
    }

    private static void checkLength(float[] observations, int n) {
        if (n < 1 || observations.length < n * OBSERVATION_SIZE) {
            throw new IllegalArgumentException("the grid encoder reads observations of " + OBSERVATION_SIZE + " floats: "
                    + n + " rows need " + (long) n * OBSERVATION_SIZE + ", got " + observations.length);
        }
    }

    /**
     * The Java forward pass on {@code n} observations ({@code [n, 148]}); returns the features
     * {@code [n, 68]} in the first {@code n · 68} entries of an internal buffer, valid until the next call.
     * The first convolution reads the one-hot input sparsely (three ones per cell).
     */
    public float[] forward(float[] observations, int n) {
        checkLength(observations, n);
        int pooledSize = 3;
        if (out.length < n * FEATURES) {
            out = new float[n * FEATURES];
            scratch0 = new float[16 * 6 * 6];
            scratch1 = new float[16 * pooledSize * pooledSize];
            scratch2 = new float[32 * 2 * 2];
        }
        float[] w0 = parameters.get(weightIndex[0]).data();
        float[] b0 = parameters.get(biasIndex[0]).data();
        int[] planeOf = new int[VIEW * VIEW * 3];
        for (int r = 0; r < n; r++) {
            int o = r * OBSERVATION_SIZE;
            for (int cell = 0; cell < VIEW * VIEW; cell++) {
                for (int c = 0; c < 3; c++) {
                    planeOf[cell * 3 + c] = PLANE_OFFSET[c] + code(observations, r, o, cell, c);
                }
            }
            // conv0 (sparse one-hot input) + relu: [16, 6, 6]
            for (int oc = 0; oc < 16; oc++) {
                for (int h = 0; h < 6; h++) {
                    for (int w = 0; w < 6; w++) {
                        float s = b0[oc];
                        for (int kh = 0; kh < 2; kh++) {
                            for (int kw = 0; kw < 2; kw++) {
                                int cell = (h + kh) * VIEW + (w + kw);
                                for (int c = 0; c < 3; c++) {
                                    s += w0[((oc * IN_CHANNELS + planeOf[cell * 3 + c]) * 2 + kh) * 2 + kw];
                                }
                            }
                        }
                        scratch0[(oc * 6 + h) * 6 + w] = Math.max(s, 0f);
                    }
                }
            }
            // max-pool 2×2 stride 2: [16, 3, 3]
            for (int oc = 0; oc < 16; oc++) {
                for (int h = 0; h < 3; h++) {
                    for (int w = 0; w < 3; w++) {
                        int i = (oc * 6 + 2 * h) * 6 + 2 * w;
                        scratch1[(oc * 3 + h) * 3 + w] = Math.max(Math.max(scratch0[i], scratch0[i + 1]),
                                Math.max(scratch0[i + 6], scratch0[i + 7]));
                    }
                }
            }
            conv(scratch1, 16, 3, parameters.get(weightIndex[1]).data(), parameters.get(biasIndex[1]).data(), 32,
                    scratch2, 0);
            conv(scratch2, 32, 2, parameters.get(weightIndex[2]).data(), parameters.get(biasIndex[2]).data(), 64,
                    out, r * FEATURES);
            for (int d = 0; d < GridObservation.DIRECTIONS; d++) {
                out[r * FEATURES + 64 + d] = 0f;
            }
            out[r * FEATURES + 64 + direction(observations, r)] = 1f;
        }
        return out;
    }

    /** A valid 2×2 convolution of {@code x} ({@code [in, size, size]}) followed by relu, into {@code y[offset ..]}. */
    private static void conv(float[] x, int in, int size, float[] w, float[] b, int outC, float[] y, int offset) {
        int s = size - 1;
        for (int oc = 0; oc < outC; oc++) {
            for (int h = 0; h < s; h++) {
                for (int ww = 0; ww < s; ww++) {
                    float sum = b[oc];
                    for (int ic = 0; ic < in; ic++) {
                        int wi = (oc * in + ic) * 4;
                        int xi = (ic * size + h) * size + ww;
                        sum += w[wi] * x[xi] + w[wi + 1] * x[xi + 1] + w[wi + 2] * x[xi + size]
                                + w[wi + 3] * x[xi + size + 1];
                    }
                    y[offset + (oc * s + h) * s + ww] = Math.max(sum, 0f);
                }
            }
        }
    }

    /**
     * The forward pass on tensors: {@code observations} is {@code [B, 148]} (read back to Java for
     * the one-hot encoding, which carries no gradient); returns the features {@code [B, 68]}.
     */
    public NDArray forward(Parameters.Bound bound, NDArray observations) {
        NDManager m = observations.getManager();
        int n = Math.toIntExact(observations.getShape().get(0));
        float[] obs = observations.toFloatArray();
        checkLength(obs, n);
        NDArray x = m.create(planes(obs, n), new Shape(n, IN_CHANNELS, VIEW, VIEW));
        for (int l = 0; l < 3; l++) {
            x = Conv2d.conv2d(x, bound.get(weightIndex[l]), bound.get(biasIndex[l])).singletonOrThrow();
            x = ai.djl.nn.Activation.relu(x);
            if (l == 0) {
                x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
        }
        NDArray conv = x.reshape(n, 64);
        NDArray dirs = m.create(directions(obs, n), new Shape(n, GridObservation.DIRECTIONS));
        return NDArrays.concat(new NDList(conv, dirs), 1);
    }
}
