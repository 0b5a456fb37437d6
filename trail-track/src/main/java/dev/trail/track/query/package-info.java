/**
 * Queries over every run of a {@code runs/} folder, without any service: {@link
 * dev.trail.track.query.RunsQuery} lists runs (from their small {@code summary.json} files, so a
 * thousand runs list in well under a second), shows one run, compares groups of runs (final
 * metric mean ± std and a Student-t confidence interval over seeds, steps and wall time to a
 * threshold), exports all metrics as CSV or Parquet, and deletes runs. Aggregations load the
 * metrics into an embedded, in-memory DuckDB. Damaged files produce warnings that name them; the
 * other runs are still answered.
 */
package dev.trail.track.query;
