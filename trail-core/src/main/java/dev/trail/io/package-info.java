/** File helpers shared by every writer: atomic replacement so a crash never leaves a half file. */
package dev.trail.io;
