package dev.trail.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.algo.sac.SacConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlgorithmsTest {

    @Test
    void registryListsAndRefuses() {
        assertEquals(java.util.List.of("bc", "cql", "dr-grpo", "grpo", "iql", "lite-ppo", "ppo", "reinforce++",
                "reinforce++-baseline", "remax", "rloo", "sac", "td3bc"), Algorithms.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Algorithms.get("dqn"));
        assertTrue(e.getMessage().contains("ppo, reinforce++"), e.getMessage());
        assertEquals(SacConfig.defaults(), SacConfig.fromSettings(SacConfig.defaults().toMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, x -> String.valueOf(x.getValue())))));
    }

    @Test
    void trainsAndResumesPpoBySettings(@TempDir Path dir) throws Exception {
        Algorithm ppo = Algorithms.get("ppo");
        Map<String, String> s = Map.of("num_envs", "2", "num_steps", "16", "num_minibatches", "2", "update_epochs", "1");
        Path cp = ppo.train(s, dev.trail.envs.Envs.spec("CartPole-v1"), 1, 64, null, TrainingListener.NONE, dir.resolve("a"), 1);
        assertTrue(Files.isDirectory(cp) && cp.endsWith("update-000002"), String.valueOf(cp));
        Path again = ppo.resume(dir.resolve("a/update-000001"), dev.trail.envs.Envs.spec("CartPole-v1"), TrainingListener.NONE, dir.resolve("b"), 0);
        assertTrue(again.endsWith("update-000002"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ppo.train(Map.of("clip_coef", "-1"), dev.trail.envs.Envs.spec("CartPole-v1"), 1, 64, null, TrainingListener.NONE, null, 0));
        assertTrue(bad.getMessage().contains("clip_coef"), bad.getMessage());
    }

    @Test
    void ppoTakesCleanRlsContinuousDefaultsOnBoxActions() {
        Algorithm ppo = Algorithms.get("ppo");
        assertEquals(dev.trail.algo.ppo.PpoConfig.continuousDefaults(), ppo.config(dev.trail.envs.Envs.spec("Pendulum-v1")).parse(Map.of()));
        assertEquals(dev.trail.algo.ppo.PpoConfig.defaults(), ppo.config(dev.trail.envs.Envs.spec("CartPole-v1")).parse(Map.of()));
        assertEquals(1L * 2048, ppo.stepsPerCheckpointUnit(ppo.config(dev.trail.envs.Envs.spec("Pendulum-v1")).parse(Map.of())));
    }
}
