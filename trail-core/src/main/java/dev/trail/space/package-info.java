/**
 * Action and observation spaces. A {@link dev.trail.space.Space} describes the values an
 * environment accepts or produces and validates them: an out-of-range action is an
 * {@link java.lang.IllegalArgumentException} that names the space and the value.
 */
package dev.trail.space;
