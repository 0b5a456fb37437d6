/**
 * Credit assignment: how a trajectory's rewards become per-step advantages and returns.
 *
 * <p>The math lives in pure static functions on primitive arrays (one class per family, e.g.
 * {@code Gae}, {@code GroupAdvantages}); each {@link dev.trail.advantage.AdvantageEstimator} is a
 * thin adapter from trajectory records to those functions, registered by name in
 * {@link dev.trail.advantage.AdvantageEstimators}. Formulas, defaults and worked examples follow
 * {@code shared/spec/ALGORITHMS.md}; each class's Javadoc names the section and the source.
 */
package dev.trail.advantage;
