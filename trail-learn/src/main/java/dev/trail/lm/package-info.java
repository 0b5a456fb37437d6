/**
 * Token-level language policies: a small decoder-only {@link dev.trail.lm.Transformer} on DJL
 * (pre-LN blocks, causal multi-head self-attention, GELU MLP), its {@link dev.trail.lm.TransformerConfig},
 * batched sampling of B prompts × G responses with a key/value cache ({@link dev.trail.lm.Sampler}),
 * token batches for losses ({@link dev.trail.lm.TokenBatch}) (the losses themselves are the shared
 * {@link dev.trail.objective.Losses}), checkpoints that record the vocabulary and shape ({@link dev.trail.lm.LmCheckpoint}) and
 * held-out evaluation ({@link dev.trail.lm.LmEvaluation}). The trainers are in
 * {@code dev.trail.algo.sft} and {@code dev.trail.algo.grpo}.
 */
package dev.trail.lm;
