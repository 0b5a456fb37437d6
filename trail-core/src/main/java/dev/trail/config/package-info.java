/**
 * Named, typed options with documented defaults, parsed from {@code key=value} strings. Unknown
 * keys and invalid values are rejected with a message naming the key, the value and what is
 * allowed.
 */
package dev.trail.config;
