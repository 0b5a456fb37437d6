/**
 * Reference loss math on {@code double} arrays: loss aggregation modes, the clipped policy
 * surrogate (PPO, DAPO clip-higher, dual-clip), the clipped value loss, KL estimators and
 * controllers, entropy, DAPO's dynamic sampling and overlong shaping, PPO-Lagrangian and STL
 * robustness. The tensor (DJL) losses in {@code trail-learn} are tested against these functions.
 *
 * <h2>Canonical layout</h2>
 * Token-level quantities are flat, row-major {@code double[]} arrays of logical shape
 * {@code [B, T]}: element {@code (b, t)} sits at index {@code b * T + t}, sequences are padded on
 * the right, and {@code T} ({@code seqLen}) is passed explicitly wherever rows matter (aggregation).
 * A mask is a {@code double[]} of the same shape whose entries are exactly {@code 0} or {@code 1};
 * {@code 1} marks a valid response token, EOS included (spec §0.1).
 *
 * <h2>Contract shared by every function here</h2>
 * <ul>
 *   <li>Inputs are never mutated; results are new arrays or records.</li>
 *   <li>Positions where the mask is 0 are <em>never read</em>: they may hold garbage, NaN or
 *       infinities without changing any result, and per-token outputs hold {@code 0.0} there.
 *       (A tensor implementation must therefore use {@code where(mask, x, 0)}, not {@code x * mask},
 *       to match on non-finite padding.)</li>
 *   <li>Arrays that must have equal lengths are checked at the boundary; a mismatch is an
 *       {@link java.lang.IllegalArgumentException} naming both arrays and both lengths.</li>
 *   <li>Losses return <em>named</em> terms (records); the algorithm applies the coefficients.</li>
 * </ul>
 *
 * Formulas, defaults and test vectors: {@code shared/spec/ALGORITHMS.md} §0.4–§0.8, §2, §11 and
 * Appendices A and B. Each class names its section.
 */
package dev.trail.loss;
