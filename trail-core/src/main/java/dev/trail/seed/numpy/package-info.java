/**
 * NumPy's random generator, bit for bit: {@link dev.trail.seed.numpy.SeedSequence} (NumPy's
 * seed-to-state hashing), {@link dev.trail.seed.numpy.Pcg64} (PCG XSL-RR 128/64, NumPy's default
 * bit generator, with its 32-bit buffer) and {@link dev.trail.seed.numpy.Generator}
 * ({@code integers}, {@code random}, {@code uniform} as NumPy 2.x computes them).
 * {@code Generator.seeded(s)} produces the stream of Python's {@code np.random.default_rng(s)},
 * which is what Gymnasium's {@code reset(seed=s)} gives an environment, so a Java port that makes
 * the same draws in the same order reproduces Gymnasium's and MiniGrid's start states exactly.
 *
 * <p>Trail's own streams ({@link dev.trail.seed.Rng}) stay the default everywhere else; this
 * package exists for parity with Python environments.
 */
package dev.trail.seed.numpy;
