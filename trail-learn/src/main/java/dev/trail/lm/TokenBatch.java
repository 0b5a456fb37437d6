package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import dev.trail.nn.Tensors;
import java.util.List;

/**
 * Finished responses laid out for a next-token loss: {@code N} rows of width {@code W} (the
 * longest prompt + response minus one), right-padded with PAD.
 *
 * <p>Row {@code i} holds its sequence {@code s = BOS, prompt, response}: {@code inputs[i, t] = s[t]},
 * {@code targets[i, t] = s[t + 1]}; response token {@code j} is the target at column
 * {@code promptLength_i − 1 + j}. {@code mask[i, t]} is 1 exactly where the target is a policy
 * token of the response (EOS included), 0 for prompt, tool-output and padding targets. All
 * arrays are flat row-major {@code [N, W]}, the layout of {@code dev.trail.loss}.
 *
 * @param rows N
 * @param width W
 * @param inputs {@code [N, W]} token ids fed
 * @param targets {@code [N, W]} token ids predicted
 * @param mask {@code [N, W]} 0/1 loss mask
 * @param promptLengths {@code [N]} BOS + prompt lengths
 * @param responseLengths {@code [N]} response lengths (policy and tool tokens)
 */
public record TokenBatch(int rows, int width, long[] inputs, long[] targets, double[] mask, int[] promptLengths,
        int[] responseLengths) {

    /** The batch of {@code transcripts}, in order. */
    public static TokenBatch of(List<Transcript> transcripts) {
        int n = transcripts.size();
        if (n == 0) {
            throw new IllegalArgumentException("a token batch needs at least one transcript");
        }
        int width = 1;
        for (Transcript t : transcripts) {
            width = Math.max(width, t.promptTokens().length + t.responseLength() - 1);
        }
        long[] inputs = new long[n * width];
        long[] targets = new long[n * width];
        java.util.Arrays.fill(inputs, Vocabulary.PAD);
        java.util.Arrays.fill(targets, Vocabulary.PAD);
        double[] mask = new double[n * width];
        int[] prompts = new int[n];
        int[] responses = new int[n];
        for (int i = 0; i < n; i++) {
            Transcript t = transcripts.get(i);
            int[] seq = t.tokens();
            boolean[] m = t.sequenceMask();
            prompts[i] = t.promptTokens().length;
            responses[i] = t.responseLength();
            for (int c = 0; c + 1 < seq.length; c++) {
                inputs[i * width + c] = seq[c];
                targets[i * width + c] = seq[c + 1];
                mask[i * width + c] = m[c + 1] ? 1.0 : 0.0;
            }
        }
        return new TokenBatch(n, width, inputs, targets, mask, prompts, responses);
    }

    /** The column of response token {@code j} of row {@code i}. */
    public int column(int row, int j) {
        return promptLengths[row] - 1 + j;
    }

    /** Spreads per-response values ({@code [N][T_i]}) into the flat {@code [N, W]} layout; 0 elsewhere. */
    public double[] scatter(double[][] perResponse) {
        if (perResponse.length != rows) {
            throw new IllegalArgumentException("scatter needs " + rows + " rows, got " + perResponse.length);
        }
        double[] out = new double[rows * width];
        for (int i = 0; i < rows; i++) {
            if (perResponse[i].length != responseLengths[i]) {
                throw new IllegalArgumentException("row " + i + " has " + responseLengths[i] + " response tokens but "
                        + perResponse[i].length + " values");
            }
            for (int j = 0; j < responseLengths[i]; j++) {
                out[i * width + column(i, j)] = perResponse[i][j];
            }
        }
        return out;
    }

    /** The inverse of {@link #scatter}: the values at response positions, {@code [N][T_i]}. */
    public double[][] gather(double[] flat) {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = new double[responseLengths[i]];
            for (int j = 0; j < responseLengths[i]; j++) {
                out[i][j] = flat[i * width + column(i, j)];
            }
        }
        return out;
    }

    /** Number of loss tokens (sum of the mask). */
    public int maskedTokens() {
        int n = 0;
        for (double m : mask) {
            n += m != 0 ? 1 : 0;
        }
        return n;
    }

    /** {@code inputs} as an int64 tensor {@code [N, W]}. */
    public NDArray inputsTensor(NDManager manager) {
        return Tensors.create(manager, inputs, rows, width);
    }

    /** {@code targets} as an int64 tensor {@code [N, W]}. */
    public NDArray targetsTensor(NDManager manager) {
        return Tensors.create(manager, targets, rows, width);
    }

    /** A flat {@code [N, W]} double array as a float tensor. */
    public NDArray tensor(NDManager manager, double[] flat) {
        float[] f = new float[flat.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) flat[i];
        }
        return Tensors.create(manager, f, rows, width);
    }
}
