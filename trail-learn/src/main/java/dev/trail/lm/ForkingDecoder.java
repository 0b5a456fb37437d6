package dev.trail.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trail.nn.Parameters;
import dev.trail.nn.Tensors;
import dev.trail.rollout.ForkableDecoder;
import dev.trail.token.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link ForkableDecoder} over a {@link Transformer} with a key/value cache: the tree rollouts'
 * model state. The cache holds one row per live sequence, {@code [R, heads, S, headWidth]} per
 * layer; all rows share the S key columns, and each row sees only its own columns (an additive
 * attention bias, as the batch {@link Sampler} hides left padding) at its own positions.
 *
 * <ul>
 *   <li>{@link #fork}: the new rows are copies of the parents' cache rows (one gather per layer for all
 *       forks of a step), with the parents' visible columns, next position and last logits; nothing is
 *       recomputed, so a shared prefix is computed once.</li>
 *   <li>{@link #step}: one forward of every cache row with one new column; a listed row feeds its
 *       token (visible to it from then on, at its next position), the others feed padding that no row
 *       ever sees, so their state is unchanged.</li>
 *   <li>{@link #release}: a released row stays in the cache until enough rows are released (at least
 *       {@value #COMPACT_MIN} and a quarter of the live ones), then the cache is compacted to the live rows and to
 *       the columns some live row sees.</li>
 * </ul>
 * A row's logits equal those of a from-scratch forward of its tokens to float rounding (tested).
 * Weights are read once at {@link #open} (constant for the decoder's lifetime).
 */
public final class ForkingDecoder implements ForkableDecoder {

    /** Released rows tolerated in the cache before it is compacted (and at least as many as live rows). */
    static final int COMPACT_MIN = 8;
    /**
     * The cache is compacted once its released rows are at least a quarter of its live ones: every
     * step evaluates every cache row, and tree rollouts drop rows mid-response (pruned branches,
     * stand-by rows no longer needed).
     */
    static final int COMPACT_SHARE = 4;

    private final Transformer model;
    private final NDManager manager;
    private final Parameters.Bound weights;
    private final Transformer.KvCache cache;
    private final int vocab;
    private final int maxPosition;

    // physical rows (cache order)
    private final List<BitSet> visible = new ArrayList<>();
    private final List<Integer> nextPosition = new ArrayList<>();
    private final List<Integer> handleOf = new ArrayList<>();
    private int columns;
    // handles
    private final List<Integer> physicalOf = new ArrayList<>();
    private final List<float[]> logits = new ArrayList<>();
    private final List<Boolean> released = new ArrayList<>();
    private int releasedInCache;
    private long tokensComputed;
    private long positionsEvaluated;

    private ForkingDecoder(Transformer model, NDManager parent) {
        this.model = model;
        this.manager = parent.newSubManager();
        this.weights = model.parameters().constant(manager);
        this.cache = new Transformer.KvCache(manager, model.config().layers());
        this.vocab = model.config().vocabSize();
        this.maxPosition = model.config().contextLength() - 1;
    }

    /** A factory of decoders over {@code model}'s current weights, their arrays on sub-managers of {@code manager}. */
    public static ForkableDecoder.Factory factory(NDManager manager, Transformer model) {
        return contexts -> open(manager, model, contexts);
    }

    /**
     * A decoder with one row per context, prefilled in one batch (left-padded).
     *
     * @throws IllegalArgumentException if a context is empty or longer than the model's context
     */
    public static ForkingDecoder open(NDManager manager, Transformer model, List<int[]> contexts) {
        ForkingDecoder d = new ForkingDecoder(model, manager);
        try {
            d.prefill(contexts);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void prefill(List<int[]> contexts) {
        int rows = contexts.size();
        int width = 0;
        for (int[] c : contexts) {
            if (c.length == 0 || c.length > maxPosition + 1) {
                throw new IllegalArgumentException("a context of " + c.length + " tokens does not fit the model's "
                        + (maxPosition + 1) + " positions");
            }
            width = Math.max(width, c.length);
        }
        long[] tokens = new long[rows * width];
        long[] positions = new long[rows * width];
        float[] bias = new float[rows * width * width];
        for (int r = 0; r < rows; r++) {
            int[] c = contexts.get(r);
            int pad = width - c.length;
            BitSet v = new BitSet();
            v.set(pad, width);
            for (int i = 0; i < width; i++) {
                tokens[r * width + i] = i < pad ? Vocabulary.PAD : c[i - pad];
                positions[r * width + i] = Math.max(0, i - pad);
                for (int k = 0; k < width; k++) {
                    boolean see = k == i || (k < i && k >= pad);
                    bias[(r * width + i) * width + k] = see ? 0f : Transformer.MASKED;
                }
            }
            visible.add(v);
            nextPosition.add(c.length);
            handleOf.add(r);
            physicalOf.add(r);
            released.add(false);
            logits.add(null);
            tokensComputed += c.length;
        }
        columns = width;
        float[] out = forward(tokens, positions, bias, rows, width);
        for (int r = 0; r < rows; r++) {
            logits.set(r, Arrays.copyOfRange(out, r * vocab, (r + 1) * vocab));
        }
    }

    /** Runs the cached forward on {@code t} new columns of every row; the last column's logits, {@code [R * V]}. */
    private float[] forward(long[] tokens, long[] positions, float[] bias, int rows, int t) {
        positionsEvaluated += (long) rows * t;
        try (NDManager step = manager.newSubManager()) {
            NDArray out = model.forward(weights, Tensors.create(step, tokens, rows, t),
                    Tensors.create(step, positions, rows, t), Tensors.create(step, bias, rows, 1, t, columns), cache);
            NDArray last = t == 1 ? out : out.get(":, -1:, :");
            return last.toFloatArray();
        }
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int[] fork(int[] parents) {
        if (parents.length == 0) {
            return new int[0];
        }
        int rows = visible.size();
        long[] index = new long[rows + parents.length];
        for (int r = 0; r < rows; r++) {
            index[r] = r;
        }
        int[] out = new int[parents.length];
        for (int i = 0; i < parents.length; i++) {
            int phys = physical(parents[i]);
            index[rows + i] = phys;
            int handle = physicalOf.size();
            physicalOf.add(rows + i);
            released.add(false);
            logits.add(logits.get(parents[i]));
            visible.add((BitSet) visible.get(phys).clone());
            nextPosition.add(nextPosition.get(phys));
            handleOf.add(handle);
            out[i] = handle;
        }
        try (NDManager sub = manager.newSubManager()) {
            cache.selectRows(Tensors.create(sub, index, index.length));
        }
        return out;
    }

    @Override
    public void step(int[] rowsFed, int[] tokensFed) {
        if (rowsFed.length != tokensFed.length) {
            throw new IllegalArgumentException(rowsFed.length + " rows but " + tokensFed.length + " tokens");
        }
        if (rowsFed.length == 0) {
            return;
        }
        int rows = visible.size();
        int[] fedToken = new int[rows];
        Arrays.fill(fedToken, -1);
        for (int i = 0; i < rowsFed.length; i++) {
            int phys = physical(rowsFed[i]);
            if (fedToken[phys] >= 0) {
                throw new IllegalArgumentException("row " + rowsFed[i] + " fed twice in one step");
            }
            fedToken[phys] = tokensFed[i];
        }
        int col = columns;
        columns++;
        long[] tokens = new long[rows];
        long[] positions = new long[rows];
        float[] bias = new float[rows * columns];
        Arrays.fill(bias, Transformer.MASKED);
        for (int r = 0; r < rows; r++) {
            BitSet v = visible.get(r);
            if (fedToken[r] >= 0) {
                tokens[r] = fedToken[r];
                int pos = nextPosition.get(r);
                if (pos > maxPosition) {
                    throw new IllegalArgumentException("row " + handleOf.get(r) + " is full: position " + pos
                            + " is outside the model's context of " + (maxPosition + 1));
                }
                positions[r] = pos;
                nextPosition.set(r, pos + 1);
                v.set(col);
                tokensComputed++;
            } else {
                tokens[r] = Vocabulary.PAD;
                positions[r] = Math.min(maxPosition, nextPosition.get(r));
            }
            for (int k = v.nextSetBit(0); k >= 0; k = v.nextSetBit(k + 1)) {
                bias[r * columns + k] = 0f;
            }
        }
        float[] out = forward(tokens, positions, bias, rows, 1);
        for (int r = 0; r < rows; r++) {
            if (fedToken[r] >= 0) {
                logits.set(handleOf.get(r), Arrays.copyOfRange(out, r * vocab, (r + 1) * vocab));
            }
        }
    }

    @Override
    public float[] logits(int row) {
        physical(row);
        return logits.get(row);
    }

    @Override
    public void release(int[] rows) {
        for (int h : rows) {
            physical(h);
            released.set(h, true);
            logits.set(h, null);
            releasedInCache++;
        }
        int live = visible.size() - releasedInCache;
        if (releasedInCache >= COMPACT_MIN && COMPACT_SHARE * releasedInCache >= live) {
            compact();
        }
    }

    /** Drops released rows and the columns no live row sees. */
    private void compact() {
        List<Integer> keep = new ArrayList<>();
        BitSet seen = new BitSet();
        for (int r = 0; r < visible.size(); r++) {
            if (!released.get(handleOf.get(r))) {
                keep.add(r);
                seen.or(visible.get(r));
            }
        }
        List<BitSet> v2 = new ArrayList<>();
        List<Integer> p2 = new ArrayList<>();
        List<Integer> h2 = new ArrayList<>();
        long[] rowIndex = new long[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            int r = keep.get(i);
            rowIndex[i] = r;
            v2.add(visible.get(r));
            p2.add(nextPosition.get(r));
            h2.add(handleOf.get(r));
            physicalOf.set(handleOf.get(r), i);
        }
        for (int h = 0; h < physicalOf.size(); h++) {
            if (released.get(h)) {
                physicalOf.set(h, -1);
            }
        }
        int[] cols = seen.stream().toArray();
        try (NDManager sub = manager.newSubManager()) {
            if (keep.isEmpty()) {
                cache.close();
            } else {
                cache.selectRows(Tensors.create(sub, rowIndex, rowIndex.length));
                if (cols.length < columns) {
                    long[] colIndex = new long[cols.length];
                    for (int i = 0; i < cols.length; i++) {
                        colIndex[i] = cols[i];
                    }
                    cache.selectColumns(Tensors.create(sub, colIndex, colIndex.length));
                }
            }
        }
        // renumber each kept row's visible columns
        for (int i = 0; i < v2.size(); i++) {
            BitSet old = v2.get(i);
            BitSet fresh = new BitSet();
            for (int j = 0; j < cols.length; j++) {
                if (old.get(cols[j])) {
                    fresh.set(j);
                }
            }
            v2.set(i, fresh);
        }
        columns = keep.isEmpty() ? 0 : cols.length;
        visible.clear();
        visible.addAll(v2);
        nextPosition.clear();
        nextPosition.addAll(p2);
        handleOf.clear();
        handleOf.addAll(h2);
        releasedInCache = 0;
    }

    private int physical(int handle) {
        if (handle < 0 || handle >= physicalOf.size() || released.get(handle)) {
            throw new IllegalArgumentException("decoder row " + handle + " is not live");
        }
        return physicalOf.get(handle);
    }

    /** Rows currently in the cache (live and not yet compacted away). */
    int cacheRows() {
        return visible.size();
    }

    /** Key columns currently in the cache. */
    int cacheColumns() {
        return columns;
    }

    @Override
    public long tokensComputed() {
        return tokensComputed;
    }

    @Override
    public long positionsEvaluated() {
        return positionsEvaluated;
    }

    @Override
    public void close() {
        cache.close();
        manager.close();
    }
}
