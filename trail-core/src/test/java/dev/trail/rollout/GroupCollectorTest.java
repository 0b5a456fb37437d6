package dev.trail.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.ResponseBuilder;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import dev.trail.token.Verdict;
import dev.trail.trajectory.TrajectoryGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** G samples per task: grouping, dynamic sampling, greedy baselines, the trajectory view. */
class GroupCollectorTest {

    /** Problem k: the reward of a response is 1 if it is "1", else 0. */
    private record P(int k) implements Problem {
        @Override
        public String key() {
            return "p" + k;
        }
    }

    private static final TokenTask TASK = new TokenTask() {
        @Override
        public String id() {
            return "Test-v0";
        }

        @Override
        public Problem sample(Rng rng, Split split) {
            return new P(rng.nextInt(100));
        }

        @Override
        public Split splitOf(Problem problem) {
            return Split.TRAIN;
        }

        @Override
        public String prompt(Problem problem) {
            return problem.key() + "=";
        }

        @Override
        public String demonstration(Problem problem) {
            return "1";
        }

        @Override
        public Verdict verify(Problem problem, String response) {
            return response.equals("1") ? Verdict.exact() : Verdict.wrong(0, "");
        }

        @Override
        public int defaultMaxResponseTokens() {
            return 4;
        }
    };

    /**
     * Even problems: every response "1" (all rewards equal, 1); odd problems: "1" or "2" by the
     * row's stream. Greedy: always "2".
     */
    private static final class FakeSampler implements ResponseSampler {
        int calls;
        int greedyCalls;

        @Override
        public List<Response> sample(TokenTask task, List<? extends Problem> problems, Rng[] streams, boolean greedy) {
            calls++;
            greedyCalls += greedy ? 1 : 0;
            List<Response> out = new ArrayList<>();
            for (int i = 0; i < problems.size(); i++) {
                P p = (P) problems.get(i);
                String text = greedy ? "2" : p.k() % 2 == 0 ? "1" : streams[i].nextInt(2) == 0 ? "1" : "2";
                Transcript t = ResponseBuilder.respond(task, p, text, 32, 4);
                out.add(new Response(t, new double[t.responseLength()]));
            }
            return out;
        }

        @Override
        public long lastTokens() {
            return 0;
        }
    }

    private static GroupCollector collector(boolean dynamic, boolean greedy) {
        return new GroupCollector(TASK, new GroupCollector.Settings(4, 3, greedy, dynamic, 5), Transcript::reward,
                new Rng(1), new Rng(2));
    }

    @Test
    void groupsHoldGResponsesToOneTaskWithTheRewardOnTheLastPolicyToken() {
        FakeSampler s = new FakeSampler();
        GroupRollout r = collector(false, false).collect(s);
        assertEquals(3, r.kept().size());
        assertEquals(1, r.stats().rounds());
        assertEquals(12, r.stats().responses());
        List<TrajectoryGroup> groups = r.groups();
        for (int i = 0; i < 3; i++) {
            TrajectoryGroup g = groups.get(i);
            assertEquals(4, g.size());
            for (int j = 0; j < 4; j++) {
                assertEquals(r.kept().get(i).rewards()[j], g.get(j).totalReward());
                assertEquals(g.groupId(), g.get(j).groupId());
            }
            assertTrue(Double.isNaN(g.greedyReward()), "no greedy baseline unless asked");
        }
        assertEquals(0, s.greedyCalls);
    }

    @Test
    void dynamicSamplingDropsEqualRewardGroupsAndRefills() {
        FakeSampler s = new FakeSampler();
        GroupRollout r = collector(true, false).collect(s);
        for (GroupRollout.Group g : r.kept()) {
            assertTrue(((P) g.problem()).k() % 2 == 1, "groups whose rewards are all equal are dropped: " + g.id());
            boolean allEqual = true;
            for (double x : g.rewards()) {
                allEqual &= x == g.rewards()[0];
            }
            assertFalse(allEqual, g.id());
        }
        assertTrue(r.kept().size() <= 3);
        assertTrue(r.stats().groupsSeen() > r.kept().size(), "more groups were sampled than kept");
        assertTrue(r.stats().rounds() > 1 || r.kept().size() == 3, "it refilled");
    }

    @Test
    void greedyBaselineWhenTheEstimatorNeedsOne() {
        FakeSampler s = new FakeSampler();
        GroupRollout r = collector(false, true).collect(s);
        assertEquals(1, s.greedyCalls);
        for (TrajectoryGroup g : r.groups()) {
            assertEquals(0.0, g.greedyReward(), "the greedy response 2 is wrong");
        }
    }

    @Test
    void sameStreamsSameBatch() {
        GroupRollout a = collector(true, true).collect(new FakeSampler());
        GroupRollout b = collector(true, true).collect(new FakeSampler());
        assertEquals(a.groups(), b.groups());
    }
}
