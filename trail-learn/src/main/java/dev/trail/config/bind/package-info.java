/**
 * The one binder from YAML sections and {@code --set key=value} strings to config records
 * ({@link dev.trail.config.bind.ConfigBinder}), and back to maps for {@code config.yaml} and
 * checkpoint metadata. Config records declare their keys, defaults, ranges and meanings once, with
 * {@link dev.trail.config.Param} on their components and a {@code defaults()} instance.
 */
package dev.trail.config.bind;
