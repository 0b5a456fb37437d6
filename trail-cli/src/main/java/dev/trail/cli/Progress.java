package dev.trail.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress for people: a one-line bar redrawn in place on a terminal (steps, episodes,
 * mean return, steps/s, ETA), plain log lines every few seconds otherwise (files, CI). Runs whose
 * budget is not in environment steps (token-level RL: {@code totalSteps} 0) get a line per update
 * every few seconds, and at every evaluation, with the headline metrics.
 */
final class Progress {

    private final PrintWriter out;
    private final boolean terminal;
    private final long totalSteps;
    private final long startNanos = System.nanoTime();
    private final long intervalNanos;
    private long lastPrint;
    private final double[] recent = new double[100];
    private int recentCount;
    private int recentNext;
    private long episodes;

    Progress(PrintWriter out, boolean terminal, long totalSteps) {
        this.out = out;
        this.terminal = terminal;
        this.totalSteps = totalSteps;
        this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
        this.lastPrint = startNanos;
    }

    /** Whether standard output is an interactive terminal (the launcher sets {@code trail.tty} from {@code [ -t 1 ]}). */
    static boolean stdoutIsTerminal() {
        return Boolean.getBoolean("trail.tty") && System.getenv("CI") == null;
    }

    void episode(double episodicReturn) {
        episodes++;
        recent[recentNext] = episodicReturn;
        recentNext = (recentNext + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
    }

    /** Mean return of the last 100 episodes, NaN before the first. */
    double recentMean() {
        if (recentCount == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < recentCount; i++) {
            s += recent[i];
        }
        return s / recentCount;
    }

    long episodes() {
        return episodes;
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Redraws or logs if the interval passed (or {@code force}). */
    void update(long globalStep, boolean force) {
        if (totalSteps == 0) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        double secs = (now - startNanos) / 1e9;
        double rate = globalStep / Math.max(secs, 1e-9);
        double eta = rate > 0 ? (totalSteps - globalStep) / rate : Double.NaN;
        String ret = Double.isNaN(recentMean()) ? "-" : String.format(Locale.ROOT, "%.1f", recentMean());
        if (terminal) {
            int width = 24;
            int filled = (int) Math.min(width, Math.round(width * (double) globalStep / Math.max(1, totalSteps)));
            out.printf(Locale.ROOT, "\r[%s%s] %,d/%,d steps  %,d episodes  return %s  %,.0f steps/s  ETA %s   ",
                    "#".repeat(filled), ".".repeat(width - filled), globalStep, totalSteps, episodes, ret, rate,
                    duration(eta));
        } else {
            out.printf(Locale.ROOT, "step %d/%d  episodes %d  return(100) %s  %.0f steps/s  elapsed %s  ETA %s%n",
                    globalStep, totalSteps, episodes, ret, rate, duration(secs), duration(eta));
        }
        out.flush();
    }

    /** For runs counted in updates: a line with the update's headline metrics, every few seconds and at evaluations. */
    void log(int update, java.util.Map<String, Double> values) {
        long now = System.nanoTime();
        boolean eval = values.keySet().stream().anyMatch(k -> k.startsWith("eval/"));
        if (!eval && now - lastPrint < 5_000_000_000L) {
            return;
        }
        lastPrint = now;
        out.println(String.format(Locale.ROOT, "update %d  %s  %s", update, duration((now - startNanos) / 1e9),
                LmTraining.brief(values)));
        out.flush();
    }

    /** Ends the bar's line on a terminal. */
    void close() {
        if (terminal && totalSteps > 0) {
            out.println();
            out.flush();
        }
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "-";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
