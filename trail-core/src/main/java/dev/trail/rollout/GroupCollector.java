package dev.trail.rollout;

import dev.trail.loss.Dapo;
import dev.trail.seed.Rng;
import dev.trail.token.Problem;
import dev.trail.token.Split;
import dev.trail.token.TokenTask;
import dev.trail.token.Transcript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * G samples per task (GRPO and its family): each batch draws B training problems, samples G
 * responses to each (one random stream per response, split from the sampling stream), rewards them,
 * and optionally samples one greedy response per problem whose reward becomes the group's baseline
 * ({@link dev.trail.advantage.Capability#NEEDS_GREEDY_BASELINE}, ReMax).
 *
 * <p>With dynamic sampling (DAPO), groups whose rewards are all equal carry no signal and are
 * dropped; more rounds of B problems are sampled, up to {@code maxRounds}, until B groups are kept
 * (extra groups of the last round are dropped, so a batch never exceeds B).
 *
 * <p>State (checkpointed by the trainer, {@link #streams}): the problem stream, the sampling stream
 * and the batch counter that names the groups.
 */
public final class GroupCollector implements Collector<ResponseSampler, GroupRollout> {

    /**
     * How a collector samples.
     *
     * @param groupSize G, responses per task
     * @param tasksPerBatch B, groups per batch
     * @param greedyBaseline also sample one greedy response per task as its group's baseline
     * @param dynamicSampling drop groups whose rewards are all equal and sample more
     * @param maxRounds generation rounds per batch allowed to refill under dynamic sampling
     */
    public record Settings(int groupSize, int tasksPerBatch, boolean greedyBaseline, boolean dynamicSampling,
            int maxRounds) {

        public Settings {
            if (groupSize < 1 || tasksPerBatch < 1 || maxRounds < 1) {
                throw new IllegalArgumentException("group collection needs groupSize, tasksPerBatch and maxRounds >= 1, "
                        + "got " + groupSize + ", " + tasksPerBatch + ", " + maxRounds);
            }
        }
    }

    private final TokenTask task;
    private final Settings settings;
    private final ToDoubleFunction<Transcript> reward;
    private final TaskStreams streams;

    /**
     * @param reward the reward of a response (the verifier's, plus any shaping such as DAPO's overlong penalty)
     * @param problems the stream training problems are drawn from
     * @param sampling the stream the responses' streams are split from
     */
    public GroupCollector(TokenTask task, Settings settings, ToDoubleFunction<Transcript> reward, Rng problems,
            Rng sampling) {
        this.task = task;
        this.settings = settings;
        this.reward = reward;
        this.streams = new TaskStreams(problems, sampling);
    }

    @Override
    public GroupRollout collect(ResponseSampler sampler) {
        int collection = streams.nextCollection();
        long start = System.nanoTime();
        int b = settings.tasksPerBatch();
        int g = settings.groupSize();
        List<GroupRollout.Group> kept = new ArrayList<>();
        int rounds = 0, responses = 0, correct = 0, malformed = 0, toolUse = 0, truncated = 0, seen = 0;
        long tokens = 0, responseTokens = 0;
        double rewardSum = 0;
        int maxRounds = settings.dynamicSampling() ? settings.maxRounds() : 1;
        while (kept.size() < b && rounds < maxRounds) {
            rounds++;
            List<Problem> tasks = new ArrayList<>(b);
            List<Problem> rows = new ArrayList<>(b * g);
            for (int i = 0; i < b; i++) {
                Problem p = task.sample(streams.problemRng(), Split.TRAIN);
                tasks.add(p);
                for (int j = 0; j < g; j++) {
                    rows.add(p);
                }
            }
            List<ResponseSampler.Response> sampled = sampler.sample(task, rows, streams.samplingRng().split(rows.size()), false);
            tokens += sampler.lastTokens();
            double[] greedy = new double[b];
            Arrays.fill(greedy, Double.NaN);
            if (settings.greedyBaseline()) {
                List<ResponseSampler.Response> baseline = sampler.sample(task, tasks, streams.samplingRng().split(b), true);
                for (int i = 0; i < b; i++) {
                    greedy[i] = reward.applyAsDouble(baseline.get(i).transcript());
                }
            }
            for (int i = 0; i < b; i++) {
                List<ResponseSampler.Response> members = sampled.subList(i * g, (i + 1) * g);
                double[] rewards = new double[g];
                for (int j = 0; j < g; j++) {
                    Transcript t = members.get(j).transcript();
                    rewards[j] = reward.applyAsDouble(t);
                    rewardSum += rewards[j];
                    correct += t.verdict().correct() ? 1 : 0;
                    malformed += t.verdict().formatOk() ? 0 : 1;
                    responseTokens += t.responseLength();
                    toolUse += t.toolCalls() > 0 ? 1 : 0;
                    truncated += t.truncated() ? 1 : 0;
                    responses++;
                }
                seen++;
                if ((!settings.dynamicSampling() || Dapo.keepGroup(rewards)) && kept.size() < b) {
                    kept.add(new GroupRollout.Group(collection + "." + rounds + "." + i, tasks.get(i), members,
                            rewards, greedy[i]));
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new GroupRollout(kept, new GroupRollout.Stats(responses, rewardSum, correct, malformed, tokens,
                responseTokens, toolUse, truncated, seen, rounds, seconds));
    }

    /** The streams and the batch counter, for checkpoints. */
    public TaskStreams streams() {
        return streams;
    }
}
