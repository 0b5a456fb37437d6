/**
 * JMH micro-benchmarks of Trail's hot paths: environment stepping, vector environments, credit
 * assignment. Run them with {@code bin/jmh}; figures are recorded in {@code docs/BENCHMARKS.md}.
 */
package dev.trail.bench;
