package dev.trail.env.wrappers;

import dev.trail.env.Env;
import dev.trail.env.StepResult;
import dev.trail.space.Space;
import java.util.Objects;

/**
 * An environment that forwards every call to an inner one; subclasses override what they change,
 * as Gymnasium's {@code Wrapper}. Closing a wrapper closes the inner environment.
 *
 * @param <O> observation type
 * @param <A> action type
 */
public abstract class Wrapper<O, A> implements Env<O, A> {

    /** The wrapped environment. */
    protected final Env<O, A> env;

    protected Wrapper(Env<O, A> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** The environment this wrapper wraps directly. */
    public Env<O, A> inner() {
        return env;
    }

    /** The innermost environment, below every wrapper. */
    public Env<?, ?> unwrapped() {
        Env<?, ?> e = env;
        while (e instanceof Wrapper<?, ?> w) {
            e = w.env;
        }
        return e;
    }

    @Override
    public Space<O> observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space<A> actionSpace() {
        return env.actionSpace();
    }

    @Override
    public O reset(long seed) {
        return env.reset(seed);
    }

    @Override
    public O reset() {
        return env.reset();
    }

    @Override
    public StepResult<O> step(A action) {
        return env.step(action);
    }

    @Override
    public void close() {
        env.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "<" + env + ">";
    }
}
