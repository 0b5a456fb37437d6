package dev.trail.cli;

import dev.trail.data.TrajectoryFiles;
import dev.trail.trajectory.Trajectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code trail data drop-actions} and {@code trail data label-actions} on datasets made by {@code trail collect}. */
class ActionLabelCommandsTest {

    @TempDir
    Path tmp;

    private String f(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void cartPoleActionsAreRecoveredByInverseDynamics() throws IOException {
        CliRunner r = CliRunner.run("collect", "--env", "CartPole-v1", "--recipe", "random", "--episodes", "20",
                "--seed", "3", "--reference-episodes", "2", "--out", f("random.parquet"));
        assertEquals(0, r.code(), r.err());
        r = CliRunner.run("data", "drop-actions", "--in", f("random.parquet"), "--keep-fraction", "0.25",
                "--out", f("mixed.parquet"), "--out-labelled", f("labelled-only.parquet"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("kept actions on 5 of 20"), r.out());
        List<Trajectory> mixed = TrajectoryFiles.readAll(tmp.resolve("mixed.parquet"), null);
        assertEquals(15, mixed.stream().filter(t -> t.actionSize() == 0).count(), "15 trajectories lost their actions");
        assertEquals(5, TrajectoryFiles.readAll(tmp.resolve("labelled-only.parquet"), null).size());

        r = CliRunner.run("data", "label-actions", "--in", f("mixed.parquet"), "--out", f("relabelled.parquet"),
                "--updates", "400", "--hidden", "64,64", "--lr", "3e-3");
        assertEquals(0, r.code(), r.err());
        List<Trajectory> original = TrajectoryFiles.readAll(tmp.resolve("random.parquet"), null);
        List<Trajectory> relabelled = TrajectoryFiles.readAll(tmp.resolve("relabelled.parquet"), null);
        assertEquals(original.size(), relabelled.size());
        int proxySteps = 0;
        int correct = 0;
        for (int i = 0; i < original.size(); i++) {
            Trajectory o = original.get(i);
            Trajectory l = relabelled.get(i);
            assertEquals(o.id(), l.id());
            boolean proxy = mixed.get(i).actionSize() == 0;
            assertEquals(proxy ? ActionLabelCommands.PROXY : ActionLabelCommands.RECORDED,
                    l.labels().get(ActionLabelCommands.ACTION_SOURCE), o.id());
            if (!proxy) {
                assertTrue(java.util.Arrays.equals(o.actions(), l.actions()), "recorded actions are kept as they were");
                continue;
            }
            for (int s = 0; s < o.length(); s++) {
                proxySteps++;
                correct += o.actions()[s] == l.actions()[s] ? 1 : 0;
            }
        }
        // CartPole's velocity change gives the push away (chance: 1/2)
        assertTrue(correct > 0.9 * proxySteps, correct + " of " + proxySteps + " proxy labels match the true actions");
        Map<String, String> meta = ActionLabelCommands.metadata(tmp.resolve("relabelled.parquet"), null);
        assertEquals("CartPole-v1", meta.get("env"));
        assertEquals("15", meta.get("idm_proxy_trajectories"));
        assertTrue(Double.parseDouble(meta.get("idm_held_out_accuracy")) > 0.8, meta.toString());

        // nothing to train on: every trajectory without actions
        r = CliRunner.run("data", "drop-actions", "--in", f("random.parquet"), "--keep-fraction", "1.5", "--out", f("x.parquet"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--keep-fraction"), r.err());
    }

    @Test
    void noLabelledTrajectoriesIsExitTwoNamingTheFile() throws IOException {
        CliRunner r = CliRunner.run("collect", "--env", "Pendulum-v1", "--recipe", "random", "--episodes", "2",
                "--seed", "1", "--reference-episodes", "1", "--out", f("p.jsonl"));
        assertEquals(0, r.code(), r.err());
        List<Trajectory> ts = TrajectoryFiles.readAll(tmp.resolve("p.jsonl"), null);
        try (var sink = TrajectoryFiles.create(tmp.resolve("none.jsonl"), null, Map.of(), false)) {
            for (Trajectory t : ts) {
                sink.write(t.withoutActions());
            }
            sink.commit();
        }
        r = CliRunner.run("data", "label-actions", "--in", f("none.jsonl"), "--out", f("out.jsonl"), "--env", "Pendulum-v1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none.jsonl") && r.err().contains("no trajectory has the field action"), r.err());
        // the env comes from the metadata; without it and without --env, a clear error
        r = CliRunner.run("data", "label-actions", "--in", f("p.jsonl"), "--out", f("out.jsonl"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("nothing was labelled"), r.err());
        r = CliRunner.run("data", "drop-actions", "--in", f("p.jsonl"), "--keep-fraction", "0.5", "--out", f("half.jsonl"));
        assertEquals(0, r.code(), r.err());
        java.nio.file.Files.delete(tmp.resolve("half.jsonl.provenance.json"));
        r = CliRunner.run("data", "label-actions", "--in", f("half.jsonl"), "--out", f("out2.jsonl"), "--updates", "10");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("half.jsonl") && r.err().contains("--env"), r.err());
    }
}
