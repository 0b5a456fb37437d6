package dev.trail.envs.token;

/**
 * One generated problem of a {@link TokenTask}: an immutable value. Each task has its own record
 * type ({@link ArithmeticTask.Arithmetic}, {@link CountdownTask.Countdown},
 * {@link CalculatorTask.Calculation}).
 */
public interface Problem {

    /**
     * The canonical identity of the problem (e.g. {@code 37*89}, with the operands of commutative
     * operators sorted): equal keys mean the same problem. It decides the problem's
     * {@link Split} and serves as a group id for the G responses sampled for it.
     */
    String key();
}
