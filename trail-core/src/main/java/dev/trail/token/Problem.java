package dev.trail.token;

/**
 * One generated problem of a {@link TokenTask}: an immutable value. Each task has its own record
 * type ({@code ArithmeticTask.Arithmetic}, {@code CountdownTask.Countdown},
 * {@code CalculatorTask.Calculation} in trail-envs). Serializable, so that rollout workers on other
 * machines ({@code rollout_workers=spark}) receive the problems they answer.
 */
public interface Problem extends java.io.Serializable {

    /**
     * The canonical identity of the problem (e.g. {@code 37*89}, with the operands of commutative
     * operators sorted): equal keys mean the same problem. It decides the problem's
     * {@link Split} and serves as a group id for the G responses sampled for it.
     */
    String key();
}
