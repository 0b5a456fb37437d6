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
        int[] responseLengths) implements ResponseLayout {

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

    /** Response token {@code j} is the target at column {@code promptLength − 1 + j}. */
    @Override
    public int column(int row, int j) {
        return promptLengths[row] - 1 + j;
    }

    @Override
    public int responseLength(int row) {
        return responseLengths[row];
    }

    /** {@code inputs} as an int64 tensor {@code [N, W]}. */
    public NDArray inputsTensor(NDManager manager) {
        return Tensors.create(manager, inputs, rows, width);
    }

    /** {@code targets} as an int64 tensor {@code [N, W]}. */
    public NDArray targetsTensor(NDManager manager) {
        return Tensors.create(manager, targets, rows, width);
    }
}
