/**
 * The five classic-control tasks of Gymnasium 1.3, ported step for step: {@link
 * dev.trail.envs.classic.CartPole} (CartPole-v1), {@link dev.trail.envs.classic.Acrobot}
 * (Acrobot-v1), {@link dev.trail.envs.classic.MountainCar} (MountainCar-v0), {@link
 * dev.trail.envs.classic.MountainCarContinuous} (MountainCarContinuous-v0) and {@link
 * dev.trail.envs.classic.Pendulum} (Pendulum-v1).
 *
 * <p>"Exact" means: the same dynamics, rewards and episode ends, with Gymnasium's float64 state
 * and float32 observations, and the same mixed float32/float64 arithmetic where NumPy 2 mixes
 * them (a float32 action times a Python float stays float32, and so on). Given the same internal
 * state and action, a step reproduces Gymnasium's next state up to the last bits of
 * {@code sin}/{@code cos} (Java's and NumPy's may differ by an ulp). Start states are drawn from
 * NumPy's generator ({@link dev.trail.seed.numpy.Generator}, {@code np.random.default_rng(seed)})
 * with Gymnasium's calls in Gymnasium's order, so {@code reset(seed)} reproduces Gymnasium's
 * {@code reset(seed=seed)} start state exactly, and {@code reset()} continues the stream as
 * Gymnasium does. A negative seed {@code s} stands for NumPy's seed {@code s + 2^64} (Gymnasium
 * itself refuses negative seeds).
 *
 * <p>Each environment exposes its internal state in Gymnasium's layout through
 * {@code state()} / {@code setState(double[])}.
 */
package dev.trail.envs.classic;
