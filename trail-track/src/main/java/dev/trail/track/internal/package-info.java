/** Non-API helpers of trail-track: the YAML subset, JSON and text-table formatting. */
package dev.trail.track.internal;
