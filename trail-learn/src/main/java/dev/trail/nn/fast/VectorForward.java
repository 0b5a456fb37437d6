package dev.trail.nn.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ForwardKernels#linear} on the Vector API: four rows times two vectors of columns in
 * eight accumulators, so each loaded vector of weights serves four rows. Lanewise {@code mul}
 * then {@code add} (two roundings, as the plain loop), so the results are the plain loop's bit
 * for bit. Loaded only when the {@code jdk.incubator.vector} module is present.
 */
final class VectorForward {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorForward() {
    }

    static void linear(float[] x, int n, int in, int out, float[] wT, float[] b, float[] y) {
        int jv = out - out % (2 * L); // columns in pairs of vectors; the rest scalar
        int r = 0;
        for (; r + 4 <= n; r += 4) {
            int x0 = r * in;
            int x1 = x0 + in;
            int x2 = x1 + in;
            int x3 = x2 + in;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector b0 = FloatVector.fromArray(S, b, j);
                FloatVector b1 = FloatVector.fromArray(S, b, j + L);
                FloatVector c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
                for (int i = 0; i < in; i++) {
                    int wo = i * out + j;
                    FloatVector w0 = FloatVector.fromArray(S, wT, wo);
                    FloatVector w1 = FloatVector.fromArray(S, wT, wo + L);
                    float a0 = x[x0 + i];
                    float a1 = x[x1 + i];
                    float a2 = x[x2 + i];
                    float a3 = x[x3 + i];
                    c00 = c00.add(w0.mul(a0));
                    c01 = c01.add(w1.mul(a0));
                    c10 = c10.add(w0.mul(a1));
                    c11 = c11.add(w1.mul(a1));
                    c20 = c20.add(w0.mul(a2));
                    c21 = c21.add(w1.mul(a2));
                    c30 = c30.add(w0.mul(a3));
                    c31 = c31.add(w1.mul(a3));
                }
                int y0 = r * out + j;
                c00.intoArray(y, y0);
                c01.intoArray(y, y0 + L);
                c10.intoArray(y, y0 + out);
                c11.intoArray(y, y0 + out + L);
                c20.intoArray(y, y0 + 2 * out);
                c21.intoArray(y, y0 + 2 * out + L);
                c30.intoArray(y, y0 + 3 * out);
                c31.intoArray(y, y0 + 3 * out + L);
            }
            tailColumns(x, r, r + 4, in, out, jv, wT, b, y);
        }
        for (; r < n; r++) {
            int x0 = r * in;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector c0 = FloatVector.fromArray(S, b, j);
                FloatVector c1 = FloatVector.fromArray(S, b, j + L);
                for (int i = 0; i < in; i++) {
                    int wo = i * out + j;
                    float a0 = x[x0 + i];
                    c0 = c0.add(FloatVector.fromArray(S, wT, wo).mul(a0));
                    c1 = c1.add(FloatVector.fromArray(S, wT, wo + L).mul(a0));
                }
                c0.intoArray(y, r * out + j);
                c1.intoArray(y, r * out + j + L);
            }
            tailColumns(x, r, r + 1, in, out, jv, wT, b, y);
        }
    }

    /** Columns {@code [from, out)} of rows {@code [r0, r1)} in plain loops (the same arithmetic). */
    private static void tailColumns(float[] x, int r0, int r1, int in, int out, int from, float[] wT, float[] b,
            float[] y) {
        if (from == out) {
            return;
        }
        for (int r = r0; r < r1; r++) {
            int xo = r * in;
            int yo = r * out;
            for (int j = from; j < out; j++) {
                float acc = b[j];
                for (int i = 0; i < in; i++) {
                    acc += x[xo + i] * wT[i * out + j];
                }
                y[yo + j] = acc;
            }
        }
    }
}
