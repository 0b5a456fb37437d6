/**
 * The {@code trail} command: one picocli {@code Callable<Integer>} per subcommand, each returning
 * its exit code (0 success, 2 bad usage, configuration or input, 1 runtime failure).
 */
package dev.trail.cli;
