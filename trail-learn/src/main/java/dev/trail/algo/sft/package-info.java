/** Supervised warm start of a language policy on a token task's demonstrations ({@link dev.trail.algo.sft.Sft}). */
package dev.trail.algo.sft;
