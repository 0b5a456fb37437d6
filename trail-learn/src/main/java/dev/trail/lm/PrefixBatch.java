package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.nn.Tensors;
import dev.trail.token.Transcript;
import dev.trail.token.Vocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished responses laid out for a next-token loss with every distinct prompt computed once:
 * the {@code G} responses of a group share their prompt, and under a causal mask the prompt's
 * hidden states do not depend on what follows, so {@link Transformer#responseLogProbs} runs the
 * {@code U} distinct prompts as one left-padded block and the {@code N} responses after it (their
 * attention reads the prompt's keys and values, gathered per row).
 *
 * <p>The loss layout is response-major: {@code N} rows of width {@code W} = the longest response,
 * column {@code j} of row {@code i} is response token {@code j}; {@code mask[i, j]} is 1 exactly
 * for policy tokens (EOS included), 0 for tool outputs and padding. Row sums and token counts are
 * those of {@link TokenBatch}'s layout, so every loss aggregation gives the same value.
 *
 * @param rows N
 * @param width W, the longest response (at least 1)
 * @param prompts U distinct prompts (BOS + prompt), in order of first appearance
 * @param promptOf {@code [N]} index into {@code prompts} of each row's prompt
 * @param responses {@code [N]} response tokens (policy and tool outputs)
 * @param mask {@code [N, W]} 0/1 loss mask
 */
public record PrefixBatch(int rows, int width, List<int[]> prompts, int[] promptOf, int[][] responses,
        double[] mask) implements ResponseLayout {

    /** The batch of {@code transcripts}, in order. */
    public static PrefixBatch of(List<Transcript> transcripts) {
        int n = transcripts.size();
        if (n == 0) {
            throw new IllegalArgumentException("a token batch needs at least one transcript");
        }
        Map<String, Integer> index = new HashMap<>();
        List<int[]> prompts = new java.util.ArrayList<>();
        int[] promptOf = new int[n];
        int[][] responses = new int[n][];
        int width = 1;
        for (int i = 0; i < n; i++) {
            Transcript t = transcripts.get(i);
            int[] p = t.promptTokens();
            Integer u = index.get(Arrays.toString(p));
            if (u == null) {
                u = prompts.size();
                index.put(Arrays.toString(p), u);
                prompts.add(p);
            }
            promptOf[i] = u;
            responses[i] = t.responseTokens();
            width = Math.max(width, responses[i].length);
        }
        double[] mask = new double[n * width];
        for (int i = 0; i < n; i++) {
            boolean[] trained = transcripts.get(i).trained();
            for (int j = 0; j < trained.length; j++) {
                mask[i * width + j] = trained[j] ? 1.0 : 0.0;
            }
        }
        return new PrefixBatch(n, width, prompts, promptOf, responses, mask);
    }

    /** The longest prompt P (BOS included). */
    public int promptWidth() {
        int p = 0;
        for (int[] prompt : prompts) {
            p = Math.max(p, prompt.length);
        }
        return p;
    }

    /** Left padding of distinct prompt {@code u} to {@link #promptWidth()}. */
    int pad(int u) {
        return promptWidth() - prompts.get(u).length;
    }

    @Override
    public int responseLength(int row) {
        return responses[row].length;
    }

    /** Response token {@code j} sits at column {@code j}. */
    @Override
    public int column(int row, int j) {
        return j;
    }

    /** The targets {@code [N, W]}: response token {@code j} at column {@code j}, PAD after the response. */
    NDArray targetsTensor(NDManager manager) {
        long[] targets = new long[rows * width];
        Arrays.fill(targets, Vocabulary.PAD);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < responses[i].length; j++) {
                targets[i * width + j] = responses[i][j];
            }
        }
        return Tensors.create(manager, targets, rows, width);
    }
}
