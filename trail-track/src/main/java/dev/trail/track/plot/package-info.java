/**
 * Learning-curve plots with XChart: the mean across seeds of each group of runs with a confidence
 * band, optional moving-average smoothing, x as global step or wall time, written as PNG or SVG.
 * Rendering is headless.
 */
package dev.trail.track.plot;
