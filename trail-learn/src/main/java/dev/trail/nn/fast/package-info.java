/**
 * The plain-Java learner for small networks (ARCHITECTURE §9): {@link dev.trail.nn.fast.JavaMlp}
 * (batched forward that keeps activations, backward to parameter gradients) and
 * {@link dev.trail.nn.fast.JavaActorCritic} (one PPO minibatch step for CleanRL's actor-critic:
 * fused loss and gradient, global-norm clipping, Adam). Both work on the live float arrays of a
 * {@link dev.trail.nn.Parameters}, so weights are shared with the DJL networks rather than copied,
 * and neither makes a native call or touches a tensor: a trainer using only these classes does
 * not load libtorch. They are tested equal to DJL's autograd; PPO uses them with {@code backend=java|auto}.
 */
package dev.trail.nn.fast;
