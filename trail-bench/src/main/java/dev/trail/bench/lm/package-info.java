/** One-off measurements of the language-model stack (not unit tests): {@link dev.trail.bench.lm.LmBench}. */
package dev.trail.bench.lm;
