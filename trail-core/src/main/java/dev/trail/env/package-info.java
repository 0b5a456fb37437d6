/**
 * The environment contract: {@link dev.trail.env.Env}, its immutable
 * {@link dev.trail.env.StepResult}, {@link dev.trail.env.Snapshottable} for environments whose
 * full state can be saved and restored, the primitive-array fast path
 * {@link dev.trail.env.ArrayEnv} used by vector environments, and {@link dev.trail.env.EnvSpec},
 * the registry entry of an environment id.
 */
package dev.trail.env;
