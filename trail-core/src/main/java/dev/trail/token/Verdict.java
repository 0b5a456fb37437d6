package dev.trail.token;

/**
 * A verifier's judgement of one response.
 *
 * @param reward the outcome reward: 1 when correct, the task's format reward when well-formed but
 *        wrong, 0 otherwise
 * @param correct whether the answer is exactly right
 * @param formatOk whether the response has the task's answer format (a correct response always has)
 * @param note what was wrong, for people (empty when correct)
 */
public record Verdict(double reward, boolean correct, boolean formatOk, String note) implements java.io.Serializable {

    public Verdict {
        if (correct && !formatOk) {
            throw new IllegalArgumentException("a correct response is always well-formed");
        }
        note = note == null ? "" : note;
    }

    /** A correct response: reward 1. */
    public static Verdict exact() {
        return new Verdict(1.0, true, true, "");
    }

    /** A well-formed but wrong response: reward {@code formatReward}. */
    public static Verdict wrong(double formatReward, String note) {
        return new Verdict(formatReward, false, true, note);
    }

    /** A malformed response: reward 0. */
    public static Verdict malformed(String note) {
        return new Verdict(0.0, false, false, note);
    }
}
