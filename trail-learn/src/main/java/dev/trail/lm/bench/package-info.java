/** One-off measurements of the language-model stack (not unit tests): {@link dev.trail.lm.bench.LmBench}. */
package dev.trail.lm.bench;
