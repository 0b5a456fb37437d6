package dev.trail.spark;

import static dev.trail.spark.SparkTesting.MASTER;
import static dev.trail.spark.SparkTesting.cli;
import static dev.trail.spark.SparkTesting.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.data.TrajectoryFiles;
import dev.trail.data.TrajectorySink;
import dev.trail.seed.Rng;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trail credit --spark}: the local command's advantages and returns, trajectory by trajectory. */
class SparkCreditTest {

    @TempDir
    Path dir;

    /** 12 groups of 4 trajectories of 3-9 steps with rewards, values and log-probs, in a Parquet file. */
    private Path groupedDataset() throws IOException {
        Path file = dir.resolve("groups.parquet");
        Rng rng = new Rng(5);
        try (TrajectorySink sink = TrajectoryFiles.create(file, null, Map.of(), false)) {
            for (int g = 0; g < 12; g++) {
                for (int m = 0; m < 4; m++) {
                    int n = 3 + rng.nextInt(7);
                    double[] rewards = new double[n];
                    double[] values = new double[n];
                    double[] logProbs = new double[n];
                    float[] obs = new float[(n + 1) * 2];
                    for (int t = 0; t < n; t++) {
                        rewards[t] = t == n - 1 ? rng.nextInt(2) : 0.1 * rng.nextDouble();
                        values[t] = rng.nextDouble();
                        logProbs[t] = -rng.nextDouble();
                    }
                    for (int i = 0; i < obs.length; i++) {
                        obs[i] = (float) rng.nextGaussian();
                    }
                    boolean terminated = rng.nextDouble() < 0.7;
                    sink.write(new Trajectory("g" + g + "-m" + m, "g" + g, 100 + g, obs, 2, new float[n], 1, rewards,
                            logProbs, values, null, terminated, !terminated, terminated ? Double.NaN : 0.5, null,
                            "task-" + g, null, null, 0, Map.of("policy", "test")));
                }
            }
            sink.commit();
        }
        return file;
    }

    private static List<Trajectory> byId(List<Trajectory> ts) {
        List<Trajectory> out = new ArrayList<>(ts);
        out.sort(Comparator.comparing(Trajectory::id));
        return out;
    }

    @Test
    void groupEstimatorsEqualTheLocalCommand() throws IOException {
        Path in = groupedDataset();
        for (String estimator : List.of("grpo", "rloo", "gae")) {
            Path local = dir.resolve(estimator + "-local.parquet");
            var r = cli("credit", "--estimator", estimator, "--in", in.toString(), "--out", local.toString());
            assertEquals(0, r.code(), r.err());
            Path spark = dir.resolve(estimator + "-spark.parquet");
            r = cli("credit", "--estimator", estimator, "--in", in.toString(), "--out", spark.toString(), "--spark",
                    MASTER, "--partitions", "3");
            assertEquals(0, r.code(), r.err());
            List<Trajectory> expected = read(local);
            assertTrue(expected.get(0).extras().containsKey("advantage"));
            SparkTesting.assertSameTrajectories(byId(expected), byId(read(spark)));
        }
    }

    @Test
    void aDatasetFolderFromSparkCollectAndABatchNormalisingEstimator() throws IOException {
        Path collected = dir.resolve("c.parquet");
        var r = cli("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "30", "--seed", "2",
                "--reference-episodes", "0", "--out", collected.toString(), "--spark", MASTER);
        assertEquals(0, r.code(), r.err());
        Path local = dir.resolve("local.parquet");
        r = cli("credit", "--estimator", "reinforce", "--set", "baseline=constant", "--set", "gamma=0.99", "--in",
                collected.toString(), "--out", local.toString());
        assertEquals(0, r.code(), r.err());
        Path spark = dir.resolve("spark.parquet");
        r = cli("credit", "--estimator", "reinforce", "--set", "baseline=constant", "--set", "gamma=0.99", "--in",
                collected.toString(), "--out", spark.toString(), "--spark", MASTER, "--partitions", "2");
        assertEquals(0, r.code(), r.err());
        SparkTesting.assertSameTrajectories(byId(read(local)), byId(read(spark)));

        // REINFORCE's default baseline is the batch mean: refused on Spark, nothing written
        Path whitened = dir.resolve("w.parquet");
        r = cli("credit", "--estimator", "reinforce", "--in", collected.toString(), "--out", whitened.toString(),
                "--spark", MASTER, "--partitions", "1");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("whole batch"), r.err());
        assertFalse(Files.exists(whitened));
    }
}
