package dev.trail.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.advantage.AdvantageEstimators;
import dev.trail.advantage.AdvantageResult;
import dev.trail.advantage.Gae;
import dev.trail.seed.Rng;
import dev.trail.testenv.RandomWalkEnv;
import dev.trail.trajectory.Trajectory;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The i.i.d. collector and its buffer's trajectory view. */
class StepCollectorTest {

    /** A deterministic policy with a "critic" V(s) = 0.1·pos + 0.01·t, so values are checkable. */
    private static final VectorPolicy POLICY = new VectorPolicy() {
        @Override
        public Acted act(float[] obs, int n, Rng rng) {
            int[] actions = new int[n];
            float[] logProbs = new float[n];
            for (int e = 0; e < n; e++) {
                actions[e] = rng.nextInt(2);
                logProbs[e] = -0.69f;
            }
            return new Acted(actions, null, logProbs, values(obs, n));
        }

        @Override
        public float[] values(float[] obs, int n) {
            float[] v = new float[n];
            for (int e = 0; e < n; e++) {
                v[e] = 0.1f * obs[e * 2] + 0.01f * obs[e * 2 + 1];
            }
            return v;
        }
    };

    private static StepCollector collector(List<double[]> episodes) {
        return new StepCollector(() -> new RandomWalkEnv(7, 3), 3, 20, 11, new Rng(5), StepCollector.Processing.NONE,
                (step, env, ret, len) -> episodes.add(new double[] {step, env, ret, len}));
    }

    @Test
    void segmentsCoverTheBufferAndEndWhereEpisodesEnd() {
        List<double[]> episodes = new ArrayList<>();
        try (StepCollector c = collector(episodes)) {
            RolloutBuffer b = c.collect(POLICY);
            assertEquals(60, c.globalStep());
            List<TrajectoryGroup> groups = b.groups();
            int steps = 0;
            for (TrajectoryGroup g : groups) {
                assertEquals(1, g.size());
                Trajectory t = g.get(0);
                steps += t.length();
                assertEquals((t.length() + 1) * 2, t.observations().length);
            }
            assertEquals(60, steps, "every step in exactly one trajectory");
            // one segment per episode end, plus one per row whose last step did not end an episode
            int expected = 0;
            for (int e = 0; e < 3; e++) {
                for (int t = 0; t < 20; t++) {
                    boolean end = b.terminateds()[e * 20 + t] || b.truncateds()[e * 20 + t];
                    expected += end || t == 19 ? 1 : 0;
                }
            }
            assertEquals(expected, groups.size());
            // a segment that is not the row's last ends where its episode ended, the way it ended
            for (TrajectoryGroup g : groups) {
                Trajectory t = g.get(0);
                String[] id = t.id().substring(3).split("/");
                int e = Integer.parseInt(id[0]);
                int last = Integer.parseInt(id[1]) + t.length() - 1;
                if (last < 19 || b.terminateds()[e * 20 + last] || b.truncateds()[e * 20 + last]) {
                    assertEquals(b.terminateds()[e * 20 + last], t.terminated(), t.id());
                }
            }
            // every finished episode reported once, with the raw return of its steps
            int finished = 0;
            for (int e = 0; e < 3; e++) {
                for (int t = 0; t < 20; t++) {
                    finished += b.terminateds()[e * 20 + t] || b.truncateds()[e * 20 + t] ? 1 : 0;
                }
            }
            assertTrue(finished > 0, "a 7-step limit ends episodes within 20 steps");
            assertEquals(finished, episodes.size());
        }
    }

    @Test
    void gaeThroughTheRegistryEqualsTheBatchGaeBitForBit() {
        try (StepCollector c = collector(new ArrayList<>())) {
            for (int round = 0; round < 3; round++) {
                RolloutBuffer b = c.collect(POLICY);
                AdvantageResult credit = AdvantageEstimators.create("gae", Map.of("gamma", "0.9", "gae_lambda", "0.8"))
                        .estimate(b.groups());
                double[] advantages = new double[b.size()];
                double[] returns = new double[b.size()];
                b.scatter(credit, advantages, returns);
                Gae.Result batch = Gae.computeBatch(3, 20, b.rewards(), b.values(), b.terminateds(), b.truncateds(),
                        b.truncationValues(), b.nextValues(), 0.9, 0.8);
                assertArrayEquals(batch.advantages(), advantages, 0.0);
                assertArrayEquals(batch.returns(), returns, 0.0);
            }
        }
    }

    @Test
    void truncatedSegmentsBootstrapFromTheirFinalObservation() {
        try (StepCollector c = collector(new ArrayList<>())) {
            RolloutBuffer b = c.collect(POLICY);
            for (TrajectoryGroup g : b.groups()) {
                Trajectory t = g.get(0);
                if (t.truncated()) {
                    float[] last = java.util.Arrays.copyOfRange(t.observations(), t.length() * 2, t.length() * 2 + 2);
                    float expected = 0.1f * last[0] + 0.01f * last[1];
                    assertEquals(expected, t.bootstrapValue(), 0.0, t.id());
                } else {
                    assertTrue(t.terminated());
                }
            }
        }
    }

    /** {@link #POLICY} acting in two parts: one uniform per row, then the action from it. */
    private static final VectorPolicy SPLITTING = new VectorPolicy() {
        @Override
        public Acted act(float[] obs, int n, Rng rng) {
            double[] noise = new double[n];
            split().drawNoise(rng, n, noise);
            Acted out = new Acted(new int[n], null, new float[n], new float[n]);
            split().newActor().act(obs, 0, n, noise, out);
            return out;
        }

        @Override
        public float[] values(float[] obs, int n) {
            return POLICY.values(obs, n);
        }

        @Override
        public Split split() {
            return new Split() {
                @Override
                public int noisePerRow() {
                    return 1;
                }

                @Override
                public void drawNoise(Rng rng, int n, double[] noise) {
                    for (int r = 0; r < n; r++) {
                        noise[r] = rng.nextDouble();
                    }
                }

                @Override
                public RowActor newActor() {
                    return (obs, from, to, noise, out) -> {
                        float[] v = POLICY.values(obs, to);
                        for (int r = from; r < to; r++) {
                            out.discreteActions()[r] = noise[r] < 0.5 ? 0 : 1;
                            out.logProbs()[r] = (float) Math.log(0.5 + 0.1 * r);
                            out.values()[r] = v[r];
                        }
                    };
                }
            };
        }
    };

    @Test
    void givenNoiseDrawnInRowOrderGivesTheBatchOfTheActionStream() {
        try (StepCollector drawn = collector(new ArrayList<>()); StepCollector given = collector(new ArrayList<>())) {
            Rng stream = new Rng(5); // the stream collector() acts with
            double[] noise = new double[20 * 3];
            double[] step = new double[3];
            for (int t = 0; t < 20; t++) {
                SPLITTING.split().drawNoise(stream, 3, step);
                System.arraycopy(step, 0, noise, t * 3, 3);
            }
            RolloutBuffer a = drawn.collect(SPLITTING);
            long[] untouched = given.actionRng().state();
            RolloutBuffer b = given.collect(SPLITTING, noise);
            assertArrayEquals(a.discreteActions(), b.discreteActions());
            assertArrayEquals(a.observations(), b.observations());
            assertArrayEquals(a.rewards(), b.rewards());
            assertArrayEquals(a.truncationValues(), b.truncationValues());
            assertArrayEquals(a.nextObservations(), b.nextObservations());
            assertArrayEquals(drawn.actionRng().state(), stream.state(), "the drawing collector used the stream");
            assertArrayEquals(untouched, given.actionRng().state(), "given noise leaves the stream alone");
            // noise of another length is refused, naming what is expected
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> given.collect(SPLITTING, new double[5]));
            assertTrue(e.getMessage().contains("expected 60 noise values"), e.getMessage());
        }
    }
}
