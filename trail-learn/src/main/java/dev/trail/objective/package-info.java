/**
 * Policy and value objectives on DJL tensors, the differentiable counterparts of the reference
 * math on double arrays in {@code dev.trail.loss} ({@code ALGORITHMS.md} §0.5-0.7, §2.1). Each
 * function returns per-step terms or a named set of terms; the algorithm aggregates them and
 * applies the coefficients. Diagnostics that need no gradient (approximate KL, clip fraction) are
 * computed in Java from one copy of the log-ratios, which is cheaper than more native calls.
 */
package dev.trail.objective;
