package dev.trail.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters of a model: named float tensors in a fixed order, held as plain Java
 * arrays. These arrays are the master copy: the Java forward passes read them directly, the
 * optimizer updates them in place, and {@link #bind(NDManager)} uploads them as DJL tensors for a
 * gradient step. Shapes use PyTorch's layout (a linear layer's weight is {@code [out, in]}).
 */
public final class Parameters {

    /**
     * One named tensor.
     *
     * @param name unique name, e.g. {@code actor.0.weight}
     * @param shape dimensions
     * @param data row-major values, {@code product(shape)} of them (the live array, not a copy)
     */
    public record Tensor(String name, int[] shape, float[] data) {

        public Tensor {
            long size = 1;
            for (int d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension in "
                            + Arrays.toString(shape));
                }
                size *= d;
            }
            if (data.length != size) {
                throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape)
                        + " needs " + size + " values, got " + data.length);
            }
            shape = shape.clone();
        }

        /** The number of values. */
        public int size() {
            return data.length;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The shape as DJL's {@link Shape}. */
        public Shape djlShape() {
            long[] dims = new long[shape.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape[i];
            }
            return new Shape(dims);
        }

        /** The shape as text, e.g. {@code [64, 4]}. */
        public String shapeText() {
            return Arrays.toString(shape);
        }
    }

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private long version;

    /**
     * A counter that changes whenever the values change through this class or an optimiser;
     * derived copies (the Java forward pass's transposed weights) are refreshed when it moves.
     */
    public long version() {
        return version;
    }

    /** Call after writing tensor values directly, so derived copies are refreshed. */
    public void markModified() {
        version++;
    }

    /**
     * Adds a tensor with the given initial values (kept, not copied).
     *
     * @return the index of the new tensor
     * @throws IllegalArgumentException if the name is taken or the sizes disagree
     */
    public int add(String name, int[] shape, float[] data) {
        if (index.containsKey(name)) {
            throw new IllegalArgumentException("a parameter named " + name + " already exists");
        }
        tensors.add(new Tensor(name, shape, data));
        index.put(name, tensors.size() - 1);
        version++;
        return tensors.size() - 1;
    }

    /** The number of tensors. */
    public int count() {
        return tensors.size();
    }

    /** The total number of scalars. */
    public long scalarCount() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.size();
        }
        return n;
    }

    /** Tensor {@code i}. */
    public Tensor get(int i) {
        return tensors.get(i);
    }

    /** The tensor named {@code name}; throws listing the names if unknown. */
    public Tensor get(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; have " + index.keySet());
        }
        return tensors.get(i);
    }

    /** The index of {@code name}. */
    public int indexOf(String name) {
        get(name);
        return index.get(name);
    }

    /** All tensors in order (unmodifiable list of live tensors). */
    public List<Tensor> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    /** A deep copy (same names and shapes, copied values). */
    public Parameters copy() {
        Parameters p = new Parameters();
        for (Tensor t : tensors) {
            p.add(t.name(), t.shape(), t.data().clone());
        }
        return p;
    }

    /** Copies the values of {@code other}, which must have the same names and shapes, into this set. */
    public void copyFrom(Parameters other) {
        checkSameLayout(other);
        for (int i = 0; i < tensors.size(); i++) {
            float[] src = other.tensors.get(i).data();
            System.arraycopy(src, 0, tensors.get(i).data(), 0, src.length);
        }
        version++;
    }

    /**
     * Polyak averaging, {@code this = tau * source + (1 - tau) * this}, as for SAC's target networks.
     */
    public void softUpdateFrom(Parameters source, double tau) {
        checkSameLayout(source);
        for (int i = 0; i < tensors.size(); i++) {
            float[] s = source.tensors.get(i).data();
            float[] d = tensors.get(i).data();
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) (tau * s[j] + (1 - tau) * d[j]);
            }
        }
        version++;
    }

    /** Throws naming the first difference unless {@code other} has the same names and shapes. */
    public void checkSameLayout(Parameters other) {
        String mine = layout();
        String theirs = other.layout();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("parameter layouts differ: " + mine + " vs " + theirs);
        }
    }

    /** The names and shapes, e.g. {@code actor.0.weight[64, 4], actor.0.bias[64]}, for messages and checks. */
    public String layout() {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : tensors) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.name()).append(t.shapeText());
        }
        return sb.toString();
    }

    /** Whether every value is finite; otherwise the name of the first tensor with a NaN or infinity. */
    public String firstNonFinite() {
        for (Tensor t : tensors) {
            for (float v : t.data()) {
                if (!Float.isFinite(v)) {
                    return t.name();
                }
            }
        }
        return null;
    }

    /**
     * Uploads every tensor to {@code manager} with gradients enabled, for one gradient step. The
     * returned arrays belong to {@code manager}: use a per-step sub-manager.
     */
    public Bound bind(NDManager manager) {
        NDArray[] arrays = new NDArray[tensors.size()];
        for (int i = 0; i < arrays.length; i++) {
            Tensor t = tensors.get(i);
            arrays[i] = manager.create(t.data(), t.djlShape());
            arrays[i].setRequiresGradient(true);
        }
        return new Bound(this, arrays);
    }

    /** Uploads every tensor to {@code manager} without gradients (for target networks and checks). */
    public Bound constant(NDManager manager) {
        NDArray[] arrays = new NDArray[tensors.size()];
        for (int i = 0; i < arrays.length; i++) {
            Tensor t = tensors.get(i);
            arrays[i] = manager.create(t.data(), t.djlShape());
        }
        return new Bound(this, arrays);
    }

    /** New zero-filled arrays shaped like each tensor (gradient buffers, optimizer moments). */
    public float[][] zerosLike() {
        float[][] out = new float[tensors.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[tensors.get(i).size()];
        }
        return out;
    }

    /** The parameters as DJL tensors on one manager, in the order of {@link Parameters}. */
    public static final class Bound {
        private final Parameters parameters;
        private final NDArray[] arrays;

        Bound(Parameters parameters, NDArray[] arrays) {
            this.parameters = parameters;
            this.arrays = arrays;
        }

        /** Tensor {@code i}. */
        public NDArray get(int i) {
            return arrays[i];
        }

        /** The tensor named {@code name}. */
        public NDArray get(String name) {
            return arrays[parameters.indexOf(name)];
        }

        /** After a backward pass: the gradients, copied to Java arrays in parameter order. */
        public float[][] gradients() {
            float[][] out = new float[arrays.length][];
            for (int i = 0; i < arrays.length; i++) {
                NDArray g = arrays[i].getGradient();
                out[i] = g.toFloatArray();
                g.close();
            }
            return out;
        }
    }
}
