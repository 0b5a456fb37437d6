package dev.trail.envs.token;

import dev.trail.token.TokenTask;
import dev.trail.token.Split;
import dev.trail.token.TokenEnv;

import dev.trail.config.Option;
import dev.trail.config.Options;
import dev.trail.env.EnvSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token tasks by id, ready for the environment registry: {@code Arithmetic-v0},
 * {@code Countdown-v0}, {@code Calculator-v0}, and the multi-turn tasks ({@link dev.trail.token.MultiTurnTask})
 * {@code GridNav-v0}, {@code Guess-v0}, {@code Calculator-MultiTurn-v0}.
 *
 * <p>Each id has declared options ({@link #options(String)}), set as strings like
 * {@code --set key=value}: the task's own (see {@link #task(String, Map)}) plus
 * {@code split} ({@code train} or {@code held-out}), {@code context_length} and
 * {@code max_response_tokens} (0, the default, picks the task's default budget, raised if needed to
 * hold the longest reference response of the configured sizes). The registry entry ({@link #spec(String)}) uses the defaults: its
 * {@code maxEpisodeSteps} is the response budget (one policy token per step), and there is no
 * reward threshold (NaN). An unknown id is an error listing the known ones.
 */
public final class TokenTasks {

    /** The default context length of every token task, in tokens. */
    public static final int DEFAULT_CONTEXT_LENGTH = 128;

    private static final List<String> IDS = List.of(ArithmeticTask.ID, CountdownTask.ID, CalculatorTask.ID,
            GridNavTask.ID, GuessTask.ID, CalculatorMultiTurnTask.ID);

    private TokenTasks() {
    }

    /** The ids, in a fixed order. */
    public static List<String> ids() {
        return IDS;
    }

    /** The registry entry of {@code id}, with default options. */
    public static EnvSpec spec(String id) {
        return spec(id, Map.of());
    }

    /** The registry entry of {@code id} with {@code settings} applied (validated now, not at make time). */
    public static EnvSpec spec(String id, Map<String, String> settings) {
        Map<String, String> copy = Map.copyOf(settings);
        TokenEnv probe = make(id, copy);
        return new EnvSpec(id, probe.maxResponseTokens(), Double.NaN, () -> make(id, copy));
    }

    /** The registry entries of all ids. */
    public static List<EnvSpec> specs() {
        List<EnvSpec> out = new ArrayList<>();
        for (String id : IDS) {
            out.add(spec(id));
        }
        return out;
    }

    /** An environment for {@code id} with default options (training split). */
    public static TokenEnv make(String id) {
        return make(id, Map.of());
    }

    /** An environment for {@code id} with {@code settings} applied over the defaults. */
    public static TokenEnv make(String id, Map<String, String> settings) {
        Options o = Options.resolve(id, options(id), settings);
        TokenTask task = task(id, o);
        int maxResponse = o.getInt("max_response_tokens");
        return new TokenEnv(task, parseSplit(o.getString("split")), o.getInt("context_length"),
                maxResponse == 0 ? task.defaultMaxResponseTokens() : maxResponse);
    }

    /** The task {@code id} with default options. */
    public static TokenTask task(String id) {
        return task(id, Map.of());
    }

    /** The task {@code id} with {@code settings} applied (environment-only keys are accepted and ignored). */
    public static TokenTask task(String id, Map<String, String> settings) {
        return task(id, Options.resolve(id, options(id), settings));
    }

    /** The declared options of {@code id}. */
    public static List<Option> options(String id) {
        List<Option> common = List.of(
                Option.choice("split", "train", List.of("train", "held-out"), "which problems episodes draw"),
                Option.integer("context_length", DEFAULT_CONTEXT_LENGTH, 2, 1 << 20,
                        "longest context in tokens: BOS, prompt, response"),
                Option.integer("max_response_tokens", 0, 0, 1 << 20,
                        "response budget in tokens, EOS and tool outputs included (0: the task's default)"),
                Option.real("held_out_fraction", 0.1, 0, 0.99, "share of problems kept out of training"),
                Option.real("format_reward", 0.0, 0, 0.99, "reward of a well-formed but wrong answer"));
        List<Option> own = switch (checkId(id)) {
            case ArithmeticTask.ID -> List.of(
                    Option.text("operators", "add,mul", "comma-separated subset of add, sub, mul, equally weighted"),
                    Option.integer("add_digits", 3, 1, 9, "digits of each addition operand"),
                    Option.integer("sub_digits", 3, 1, 9, "digits of each subtraction operand"),
                    Option.integer("mul_digits", 2, 1, 9, "digits of each multiplication operand"));
            case CountdownTask.ID -> List.of(
                    Option.integer("numbers", 4, 2, 6, "numbers given per problem"),
                    Option.integer("max_number", 50, 2, 999, "largest given number"),
                    Option.integer("min_target", 10, 1, Integer.MAX_VALUE, "smallest target"),
                    Option.integer("max_target", 999, 1, Integer.MAX_VALUE, "largest target"),
                    Option.integer("min_used", 3, 2, 6, "fewest numbers the generating expression combines (capped at numbers)"),
                    Option.flag("integer_division", true, "whether every division must be exact"));
            case GridNavTask.ID -> List.of(
                    Option.integer("size", 4, 2, 9, "grid side"),
                    Option.real("wall_probability", 0.25, 0, 0.6, "chance that a cell is a wall"),
                    Option.integer("min_distance", 2, 1, 16, "fewest moves from start to goal"),
                    Option.integer("max_turns", 8, 1, 1000, "moves per episode"));
            case GuessTask.ID -> List.of(
                    Option.integer("max", 99, 1, 9999, "largest hidden number"),
                    Option.integer("max_turns", 8, 1, 1000, "guesses per episode"));
            default -> List.of(
                    Option.integer("left_digits", 3, 1, 9, "digits of the left factor"),
                    Option.integer("right_digits", 2, 1, 9, "digits of the right factor"),
                    Option.integer("addend_digits", 3, 0, 9, "digits of the addend (0: none)"),
                    Option.integer("max_tool_calls", 3, 0, 1000, "calculator calls per episode"));
        };
        List<Option> all = new ArrayList<>(common);
        all.addAll(own);
        return List.copyOf(all);
    }

    private static TokenTask task(String id, Options o) {
        double formatReward = o.getDouble("format_reward");
        double heldOut = o.getDouble("held_out_fraction");
        int maxResponse = o.getInt("max_response_tokens");
        return switch (id) {
            case ArithmeticTask.ID -> {
                List<ArithmeticTask.Operation> ops = new ArrayList<>();
                for (String name : o.getString("operators").split(",")) {
                    switch (name.trim()) {
                        case "add" -> ops.add(ArithmeticTask.Operation.of(ArithmeticTask.Operator.ADD, o.getInt("add_digits")));
                        case "sub" -> ops.add(ArithmeticTask.Operation.of(ArithmeticTask.Operator.SUB, o.getInt("sub_digits")));
                        case "mul" -> ops.add(ArithmeticTask.Operation.of(ArithmeticTask.Operator.MUL, o.getInt("mul_digits")));
                        default -> throw new IllegalArgumentException("option operators of " + id + ": unknown operator '"
                                + name.trim() + "'; known: add, sub, mul");
                    }
                }
                int longest = ops.stream().mapToInt(ArithmeticTask.Operation::maxAnswerLength).max().orElse(0);
                int defaultMax = Math.max(ArithmeticTask.Config.defaults().maxResponseTokens(), longest + 1);
                yield new ArithmeticTask(new ArithmeticTask.Config(ops, formatReward, heldOut,
                        maxResponse == 0 ? defaultMax : maxResponse));
            }
            case CountdownTask.ID -> {
                CountdownTask.Config c = new CountdownTask.Config(o.getInt("numbers"), o.getInt("max_number"),
                        o.getInt("min_target"), o.getInt("max_target"), Math.min(o.getInt("min_used"), o.getInt("numbers")),
                        o.getBoolean("integer_division"), formatReward, heldOut, Integer.MAX_VALUE);
                int defaultMax = Math.max(CountdownTask.Config.defaults().maxResponseTokens(), c.longestDemonstration());
                yield new CountdownTask(new CountdownTask.Config(c.numbers(), c.maxNumber(), c.minTarget(),
                        c.maxTarget(), c.minUsed(), c.integerDivision(), formatReward, heldOut,
                        maxResponse == 0 ? defaultMax : maxResponse));
            }
            case GridNavTask.ID -> new GridNavTask(new GridNavTask.Config(o.getInt("size"),
                    o.getDouble("wall_probability"), o.getInt("min_distance"), o.getInt("max_turns"), heldOut));
            case GuessTask.ID -> new GuessTask(new GuessTask.Config(o.getInt("max"), o.getInt("max_turns"), heldOut));
            case CalculatorMultiTurnTask.ID -> {
                CalculatorTask.Config c = new CalculatorTask.Config(o.getInt("left_digits"), o.getInt("right_digits"),
                        o.getInt("addend_digits"), o.getInt("max_tool_calls"), formatReward, heldOut, Integer.MAX_VALUE);
                // one end-of-turn token per turn: one more than the single response's EOS
                int defaultMax = Math.max(CalculatorTask.Config.defaults().maxResponseTokens(),
                        c.longestDemonstration() + 1);
                yield new CalculatorMultiTurnTask(new CalculatorTask.Config(c.leftDigits(), c.rightDigits(),
                        c.addendDigits(), c.maxToolCalls(), formatReward, heldOut,
                        maxResponse == 0 ? defaultMax : maxResponse));
            }
            default -> {
                CalculatorTask.Config c = new CalculatorTask.Config(o.getInt("left_digits"), o.getInt("right_digits"),
                        o.getInt("addend_digits"), o.getInt("max_tool_calls"), formatReward, heldOut, Integer.MAX_VALUE);
                int defaultMax = Math.max(CalculatorTask.Config.defaults().maxResponseTokens(), c.longestDemonstration());
                yield new CalculatorTask(new CalculatorTask.Config(c.leftDigits(), c.rightDigits(), c.addendDigits(),
                        c.maxToolCalls(), formatReward, heldOut, maxResponse == 0 ? defaultMax : maxResponse));
            }
        };
    }

    private static String checkId(String id) {
        if (!IDS.contains(id)) {
            throw new IllegalArgumentException("unknown token task '" + id + "'; known ids: " + IDS);
        }
        return id;
    }

    private static Split parseSplit(String s) {
        return s.equals("held-out") ? Split.HELD_OUT : Split.TRAIN;
    }
}
