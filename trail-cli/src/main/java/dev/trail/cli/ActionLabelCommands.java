package dev.trail.cli;

import dev.trail.data.OfflineDatasets;
import dev.trail.data.Splits;
import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.env.Env;
import dev.trail.idm.InverseDynamics;
import dev.trail.seed.Rng;
import dev.trail.seed.Seeds;
import dev.trail.space.Box;
import dev.trail.space.Discrete;
import dev.trail.space.Space;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Action-free trajectories (ALGORITHMS.md §10.4): {@code trail data label-actions} labels the
 * trajectories without actions by an inverse-dynamics model trained on those with actions;
 * {@code trail data drop-actions} makes such a dataset from a complete one, for experiments.
 * Labelled output marks each trajectory's actions with the label {@value #ACTION_SOURCE}:
 * {@value #RECORDED} or {@value #PROXY}.
 */
final class ActionLabelCommands {

    /** The per-trajectory label saying where its actions come from. */
    static final String ACTION_SOURCE = "action_source";
    /** Actions recorded in the input. */
    static final String RECORDED = "recorded";
    /** Actions predicted by the inverse-dynamics model. */
    static final String PROXY = "inverse-dynamics";

    private ActionLabelCommands() {
    }

    /** The file's metadata: Parquet / Minari key-value metadata, or a JSONL file's {@code FILE.provenance.json}. */
    static Map<String, String> metadata(Path file, String format) throws IOException {
        Map<String, String> meta;
        try (var src = DataCommand.open(file, format)) {
            meta = new LinkedHashMap<>(src.metadata());
        }
        Path side = file.resolveSibling(file.getFileName() + OfflineDatasets.PROVENANCE_SUFFIX);
        if (TrajectoryFiles.formatOf(file) == TrajectoryFiles.Format.JSONL && Files.isRegularFile(side)) {
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(side.toFile());
            } catch (IOException e) {
                throw new UserError(side + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (n != null && n.isObject()) {
                n.fields().forEachRemaining(e -> meta.putIfAbsent(e.getKey(),
                        e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
            }
        }
        return meta;
    }

    /** A JSONL output's metadata goes beside it, as {@code trail collect} writes it (Parquet keeps it inside). */
    static void writeSidecar(Path out, Map<String, String> meta) throws IOException {
        if (TrajectoryFiles.formatOf(out) == TrajectoryFiles.Format.JSONL) {
            dev.trail.io.AtomicFiles.write(out.resolveSibling(out.getFileName() + OfflineDatasets.PROVENANCE_SUFFIX),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        }
    }

    /** {@code trail data label-actions --in FILE --out FILE}. */
    @Command(name = "label-actions", mixinStandardHelpOptions = true,
            description = "Label the trajectories that have no actions with an inverse-dynamics model (s_t, s_t+1) -> a_t"
                    + " trained on those that have them; marks each trajectory's label action_source (recorded | inverse-dynamics).")
    static final class LabelActions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--in", required = true, paramLabel = "FILE", description = "Dataset with some action-free trajectories.")
        Path in;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output dataset (.jsonl or .parquet).")
        Path out;
        @Option(names = "--format", paramLabel = "jsonl|parquet|minari", description = "Input format (default: by extension).")
        String format;
        @Option(names = "--env", paramLabel = "ID", description = "Environment whose action space the labels take (default: the dataset's metadata 'env').")
        String envId;
        @Option(names = "--updates", defaultValue = "5000", paramLabel = "N", description = "Training steps of the model (default: ${DEFAULT-VALUE}).")
        int updates;
        @Option(names = "--batch-size", defaultValue = "256", paramLabel = "B", description = "Transitions per step (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--hidden", defaultValue = "256,256", split = ",", paramLabel = "W", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
        int[] hidden;
        @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR", description = "Adam step size (default: ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--held-out", defaultValue = "0.1", paramLabel = "F", description = "Fraction of the labelled trajectories kept out of training to measure the model (default: ${DEFAULT-VALUE}).")
        double heldOut;
        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the split, initialisation and batches (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            if (!(heldOut >= 0 && heldOut < 1)) {
                throw new UserError("--held-out must be in [0, 1), got " + heldOut);
            }
            Outputs.checkWritable(out, "--out");
            if (!Files.exists(in)) {
                throw new UserError(in + " does not exist");
            }
            List<Trajectory> all = TrajectoryFiles.readAll(in, DataCommand.format(format));
            Map<String, String> meta = metadata(in, format);
            List<Trajectory> labelled = new ArrayList<>();
            List<Trajectory> unlabelled = new ArrayList<>();
            for (Trajectory t : all) {
                if (t.length() == 0) {
                    continue;
                }
                if (t.observationSize() == 0 || t.observations().length == 0) {
                    throw new UserError(in + ": trajectory " + t.id() + " has no field observation; inverse dynamics needs states");
                }
                if (t.hasTextActions()) {
                    throw new UserError(in + ": trajectory " + t.id() + " has text actions; label-actions labels numeric actions");
                }
                (t.actionSize() > 0 ? labelled : unlabelled).add(t);
            }
            if (labelled.isEmpty()) {
                throw new UserError(in + ": no trajectory has the field action; label-actions trains on labelled trajectories"
                        + " (" + all.size() + " trajectories, none with actions)");
            }
            String env = envId != null ? envId : meta.get("env");
            if (env == null) {
                throw new UserError(in + ": no metadata field 'env' to take the action space from; give --env ID");
            }
            int categories;
            int start = 0;
            float[] low = null;
            float[] high = null;
            int actDim = labelled.get(0).actionSize();
            try (Env<?, ?> e = TrainCommand.envSpec(env).make()) {
                Space<?> a = e.actionSpace();
                if (a instanceof Discrete d) {
                    categories = d.n();
                    start = d.start();
                } else if (a instanceof Box b) {
                    categories = 0;
                    low = b.low();
                    high = b.high();
                } else {
                    throw new UserError("label-actions supports Discrete and Box actions, " + env + " acts in " + a);
                }
                if (categories > 0 ? actDim != 1 : actDim != a.flatSize()) {
                    throw new UserError(in + ": field action has " + actDim + " values per step but " + env + " acts in " + a);
                }
            }
            int obsDim = labelled.get(0).observationSize();
            boolean[] heldOutFlags = Splits.validation(Splits.unitKeys(labelled), labelled.size() >= 2 ? heldOut : 0, seed);
            InverseDynamics.Transitions train = transitions(labelled, heldOutFlags, false, obsDim, actDim, start);
            InverseDynamics.Transitions test = transitions(labelled, heldOutFlags, true, obsDim, actDim, start);
            InverseDynamics.Config config = new InverseDynamics.Config(hidden, updates, batchSize, lr);
            InverseDynamics.Fit fit = InverseDynamics.fit(train, test, categories, low, high, config,
                    Seeds.stream(seed, "inverse-dynamics"));

            Map<String, String> outMeta = new LinkedHashMap<>(meta);
            outMeta.put("action_labels", PROXY);
            outMeta.put("idm_labelled_trajectories", Integer.toString(labelled.size()));
            outMeta.put("idm_proxy_trajectories", Integer.toString(unlabelled.size()));
            outMeta.put("idm_train_transitions", Integer.toString(fit.trainTransitions()));
            outMeta.put("idm_held_out_transitions", Integer.toString(fit.heldOutTransitions()));
            outMeta.put("idm_held_out_loss", Double.toString(fit.heldOutLoss()));
            outMeta.put("idm_held_out_accuracy", Double.toString(fit.heldOutAccuracy()));
            outMeta.put("idm_updates", Integer.toString(updates));
            outMeta.put("idm_seed", Long.toString(seed));
            try (TrajectorySink sink = TrajectoryFiles.create(out, null, outMeta, false)) {
                for (Trajectory t : all) {
                    if (t.length() == 0) {
                        sink.write(t);
                    } else if (t.actionSize() > 0) {
                        sink.write(t.withLabel(ACTION_SOURCE, RECORDED));
                    } else {
                        sink.write(label(t, fit.model(), start).withLabel(ACTION_SOURCE, PROXY));
                    }
                }
                sink.commit();
            }
            writeSidecar(out, outMeta);
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "inverse dynamics on %d labelled trajectories (%d transitions; %d held out: %s %.4g%s)%n",
                    labelled.size(), fit.trainTransitions(), fit.heldOutTransitions(),
                    categories > 0 ? "cross-entropy" : "MSE", fit.heldOutLoss(),
                    categories > 0 ? ", accuracy " + DataCommand.fmt(fit.heldOutAccuracy()) : "");
            w.printf("labelled %d of %d trajectories -> %s%n", unlabelled.size(), all.size(), out);
            if (unlabelled.isEmpty()) {
                spec.commandLine().getErr().println("warning: " + in + ": every trajectory already has actions; nothing was labelled");
            }
            w.flush();
            return Trail.OK;
        }

        /** Transitions of the trajectories on one side of the split; steps whose next state is unknown are left out. */
        private static InverseDynamics.Transitions transitions(List<Trajectory> ts, boolean[] side, boolean want, int obsDim,
                                                               int actDim, int start) {
            int n = 0;
            for (int i = 0; i < ts.size(); i++) {
                if (side[i] == want) {
                    n += ts.get(i).length();
                }
            }
            float[] s = new float[n * obsDim];
            float[] s2 = new float[n * obsDim];
            float[] a = new float[n * actDim];
            int k = 0;
            for (int i = 0; i < ts.size(); i++) {
                Trajectory t = ts.get(i);
                if (side[i] != want) {
                    continue;
                }
                for (int step = 0; step < t.length(); step++) {
                    if (Float.isNaN(t.observations()[(step + 1) * obsDim])) {
                        continue;
                    }
                    System.arraycopy(t.observations(), step * obsDim, s, k * obsDim, obsDim);
                    System.arraycopy(t.observations(), (step + 1) * obsDim, s2, k * obsDim, obsDim);
                    for (int j = 0; j < actDim; j++) {
                        a[k * actDim + j] = t.actions()[step * actDim + j] - start;
                    }
                    k++;
                }
            }
            return new InverseDynamics.Transitions(java.util.Arrays.copyOf(s, k * obsDim),
                    java.util.Arrays.copyOf(s2, k * obsDim), java.util.Arrays.copyOf(a, k * actDim), obsDim, actDim);
        }

        /** The trajectory with the model's actions; an unknown final state is padded by repeating the last one (§10.4). */
        private static Trajectory label(Trajectory t, InverseDynamics model, int start) {
            int d = t.observationSize();
            int len = t.length();
            float[] s = java.util.Arrays.copyOf(t.observations(), len * d);
            float[] s2 = java.util.Arrays.copyOfRange(t.observations(), d, (len + 1) * d);
            if (Float.isNaN(s2[(len - 1) * d])) {
                System.arraycopy(s, (len - 1) * d, s2, (len - 1) * d, d);
            }
            float[] a = model.predict(s, s2, len);
            if (start != 0) {
                for (int i = 0; i < a.length; i++) {
                    a[i] += start;
                }
            }
            return t.withActions(a, a.length / len);
        }
    }

    /** {@code trail data drop-actions IN --keep-fraction F --out FILE}. */
    @Command(name = "drop-actions", mixinStandardHelpOptions = true,
            description = "Remove the actions from all but a fraction of the trajectories (an action-free dataset for experiments).")
    static final class DropActions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--in", required = true, paramLabel = "FILE")
        Path in;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "All trajectories, actions kept on a fraction only.")
        Path out;
        @Option(names = "--out-labelled", paramLabel = "FILE", description = "Also write the trajectories that kept their actions, alone.")
        Path outLabelled;
        @Option(names = "--format", paramLabel = "jsonl|parquet|minari")
        String format;
        @Option(names = "--keep-fraction", required = true, paramLabel = "F", description = "Fraction of trajectories (groups) that keep their actions, in (0, 1).")
        double keepFraction;
        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the choice (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            if (!(keepFraction > 0 && keepFraction < 1)) {
                throw new UserError("--keep-fraction must be in (0, 1), got " + keepFraction);
            }
            Outputs.checkWritable(out, "--out");
            if (outLabelled != null) {
                Outputs.checkWritable(outLabelled, "--out-labelled");
            }
            if (!Files.exists(in)) {
                throw new UserError(in + " does not exist");
            }
            List<Trajectory> all = TrajectoryFiles.readAll(in, DataCommand.format(format));
            if (all.size() < 2) {
                throw new UserError(in + ": " + all.size() + " trajectories; drop-actions needs at least 2");
            }
            Map<String, String> meta = metadata(in, format);
            boolean[] keep = Splits.validation(Splits.unitKeys(all), keepFraction, seed);
            Map<String, String> outMeta = new LinkedHashMap<>(meta);
            outMeta.put("actions_kept_fraction", Double.toString(keepFraction));
            outMeta.put("actions_kept_seed", Long.toString(seed));
            int kept = 0;
            try (TrajectorySink sink = TrajectoryFiles.create(out, null, outMeta, false);
                    TrajectorySink labelledSink = outLabelled == null ? null
                            : TrajectoryFiles.create(outLabelled, null, outMeta, false)) {
                for (int i = 0; i < all.size(); i++) {
                    Trajectory t = all.get(i);
                    if (keep[i]) {
                        if (t.actionSize() == 0) {
                            throw new UserError(in + ": trajectory " + t.id() + " has no field action to keep");
                        }
                        sink.write(t);
                        if (labelledSink != null) {
                            labelledSink.write(t);
                        }
                        kept++;
                    } else {
                        sink.write(t.withoutActions());
                    }
                }
                sink.commit();
                if (labelledSink != null) {
                    labelledSink.commit();
                }
            }
            writeSidecar(out, outMeta);
            if (outLabelled != null) {
                writeSidecar(outLabelled, outMeta);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("kept actions on %d of %d trajectories -> %s%s (seed %d)%n", kept, all.size(), out,
                    outLabelled == null ? "" : ", those alone -> " + outLabelled, seed);
            w.flush();
            return Trail.OK;
        }
    }
}
