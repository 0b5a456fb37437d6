/**
 * Recording runs: a {@link dev.trail.track.Run} owns one run directory under {@code runs/}
 * (resolved config, provenance, append-only metrics, status heartbeat, TensorBoard events and a
 * learning-curve plot); {@link dev.trail.track.MetricsListener} is what a trainer calls on every
 * update and every finished episode.
 *
 * <p>Run directory layout ({@code runs/<run-id>/}):
 * <pre>
 *   config.yaml                      resolved config (YAML, see {@link dev.trail.track.ConfigYaml})
 *   provenance.json                  Trail version, git commit/dirty, JDK, OS, CPUs, dependency versions,
 *                                    seeds, command line, start/end time, exit status
 *   metrics.csv                      append-only long format: step,wall_time,name,value (one row per scalar)
 *   summary.json                     status + heartbeat + PID + per-metric last/min/max/final, rewritten at each flush
 *   events.out.tfevents.&lt;t&gt;.&lt;host&gt; TensorBoard scalars (TFRecord-framed Event protos)
 *   plots/learning_curve.png         written by {@link dev.trail.track.Run#finish}
 *   checkpoints/                     reserved for the learner
 * </pre>
 */
package dev.trail.track;
