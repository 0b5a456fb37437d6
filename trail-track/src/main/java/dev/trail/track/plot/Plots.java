package dev.trail.track.plot;

import dev.trail.io.AtomicFiles;
import dev.trail.track.Run;
import dev.trail.track.RunStatus;
import dev.trail.track.plot.Curves.Aggregate;
import dev.trail.track.plot.Curves.Band;
import dev.trail.track.query.Results.RunCurve;
import dev.trail.track.query.RunFilter;
import dev.trail.track.query.RunRow;
import dev.trail.track.query.RunsQuery;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Learning curves ({@code trail plot}): one line per group of runs (the mean across its seeds)
 * with a shaded band (95% CI of the mean by default), one colour per group, readable axes and a
 * legend giving each group's number of runs. PNG or SVG, chosen by the output file's extension.
 */
public final class Plots {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Tableau 10: distinguishable, colour-blind friendlier than AWT's defaults. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private static final int GRID_POINTS = 200;

    private Plots() {
    }

    /** What the x axis shows. */
    public enum XAxis {
        GLOBAL_STEP("global step"), TIME("wall time (s)");

        private final String title;

        XAxis(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }

        /** {@code global_step} (or {@code step}) or {@code time}. */
        public static XAxis parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "global_step", "step", "steps" -> GLOBAL_STEP;
                case "time", "wall_time", "wall" -> TIME;
                default -> throw new IllegalArgumentException("unknown x axis '" + s + "', expected global_step or time");
            };
        }
    }

    /**
     * A {@code trail plot} request.
     *
     * @param runs    runs to plot (ids, prefixes, globs, env/algo/status)
     * @param metric  metric on the y axis
     * @param x       x axis
     * @param smooth  moving average over this many points per run before averaging (1: none)
     * @param groupBy keys grouping runs into one curve ({@code algo}, {@code env}, {@code status}, {@code seed})
     * @param band    band around each mean
     * @param out     output file, {@code .png} or {@code .svg}
     * @param width   pixels
     * @param height  pixels
     * @param title   chart title, or null for the metric name
     */
    public record PlotRequest(RunFilter runs, String metric, XAxis x, int smooth, List<String> groupBy, Band band,
                              Path out, int width, int height, String title) {
        public PlotRequest {
            runs = runs == null ? RunFilter.ALL : runs;
            metric = metric == null || metric.isBlank() ? Run.EPISODIC_RETURN : metric;
            x = x == null ? XAxis.GLOBAL_STEP : x;
            if (smooth < 1) {
                throw new IllegalArgumentException("smooth must be >= 1 (points in the moving average), got " + smooth);
            }
            groupBy = groupBy == null || groupBy.isEmpty() ? List.of("algo", "env") : List.copyOf(groupBy);
            for (String k : groupBy) {
                if (!RunsQuery.GROUP_KEYS.contains(k)) {
                    throw new IllegalArgumentException("cannot group by '" + k + "'; known keys: " + RunsQuery.GROUP_KEYS);
                }
            }
            band = band == null ? Band.CI95 : band;
            if (out == null) {
                throw new IllegalArgumentException("an output file (.png or .svg) is required");
            }
            formatOf(out);
            if (width < 200 || height < 150) {
                throw new IllegalArgumentException("plot size must be at least 200x150 pixels, got " + width + "x" + height);
            }
        }

        /** Episodic return over global steps, no smoothing, grouped by algo and env, 95% CI, 900x560. */
        public static PlotRequest of(RunFilter runs, Path out) {
            return new PlotRequest(runs, null, null, 1, null, null, out, 900, 560, null);
        }

        public PlotRequest withMetric(String m) {
            return new PlotRequest(runs, m, x, smooth, groupBy, band, out, width, height, title);
        }

        public PlotRequest withX(XAxis axis) {
            return new PlotRequest(runs, metric, axis, smooth, groupBy, band, out, width, height, title);
        }

        public PlotRequest withSmooth(int n) {
            return new PlotRequest(runs, metric, x, n, groupBy, band, out, width, height, title);
        }

        public PlotRequest withGroupBy(List<String> keys) {
            return new PlotRequest(runs, metric, x, smooth, keys, band, out, width, height, title);
        }

        public PlotRequest withBand(Band b) {
            return new PlotRequest(runs, metric, x, smooth, groupBy, b, out, width, height, title);
        }

        public PlotRequest withTitle(String t) {
            return new PlotRequest(runs, metric, x, smooth, groupBy, band, out, width, height, t);
        }

        public PlotRequest withSize(int w, int h) {
            return new PlotRequest(runs, metric, x, smooth, groupBy, band, out, w, h, title);
        }
    }

    /** What was drawn. */
    public record PlotResult(Path file, List<String> groups, int runs, List<String> warnings) {
    }

    /**
     * {@code trail plot}: draws the selected runs of {@code runsDir}.
     *
     * @throws IllegalArgumentException if no selected run has the metric
     */
    public static PlotResult learningCurve(Path runsDir, PlotRequest req) throws IOException {
        dev.trail.track.query.Results.Curves data = RunsQuery.of(runsDir).curves(req.runs(), req.metric());
        if (data.curves().isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: " + String.join("; ", data.warnings()));
        }
        Map<String, List<RunCurve>> groups = new LinkedHashMap<>();
        data.curves().stream()
                .sorted(java.util.Comparator.comparing((RunCurve c) -> groupLabel(c.run(), req.groupBy())).thenComparing(c -> c.run().id()))
                .forEach(c -> groups.computeIfAbsent(groupLabel(c.run(), req.groupBy()), k -> new ArrayList<>()).add(c));
        double maxX = data.curves().stream()
                .mapToDouble(c -> {
                    double[] xs = req.x() == XAxis.GLOBAL_STEP ? c.steps() : c.wallTimes();
                    return xs.length == 0 ? 0 : xs[xs.length - 1];
                }).max().orElse(0);
        XScale scale = XScale.of(req.x(), maxX);
        XYChart chart = chart(req.width(), req.height(), req.title() == null ? req.metric() : req.title(),
                scale.title(), req.metric());
        List<String> labels = new ArrayList<>();
        int colour = 0;
        List<Runnable> lines = new ArrayList<>();
        for (Map.Entry<String, List<RunCurve>> g : groups.entrySet()) {
            List<double[]> xs = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            for (RunCurve c : g.getValue()) {
                xs.add(scale.apply(req.x() == XAxis.GLOBAL_STEP ? c.steps() : c.wallTimes()));
                ys.add(Curves.movingAverage(c.values(), req.smooth()));
            }
            Aggregate a = Curves.aggregate(xs, ys, GRID_POINTS, req.band());
            Color col = PALETTE[colour++ % PALETTE.length];
            String label = g.getKey() + " (n=" + a.n() + ")";
            labels.add(label);
            if (a.n() > 1 && req.band() != Band.NONE) {
                addBand(chart, label + " band", a, col);
            }
            lines.add(() -> addLine(chart, label, a.x(), a.mean(), col, 2.2f));
        }
        lines.forEach(Runnable::run); // lines above all bands
        anchor(chart);
        if (req.band() != Band.NONE && groups.values().stream().anyMatch(l -> l.size() > 1)) {
            String bandText = req.band() == Band.CI95 ? "shaded: 95% CI of the mean" : "shaded: ±1 std";
            chart.setTitle(chart.getTitle() + "  (mean over seeds, " + bandText
                    + (req.smooth() > 1 ? ", smoothed over " + req.smooth() + " points" : "") + ")");
        } else if (req.smooth() > 1) {
            chart.setTitle(chart.getTitle() + "  (smoothed over " + req.smooth() + " points)");
        }
        save(chart, req.out());
        return new PlotResult(req.out(), labels, data.curves().size(), data.warnings());
    }

    /**
     * The end-of-run plot: one run's {@code metric}, raw values as a thin line and a moving
     * average over about 2% of the points (at least 10) as a bold line.
     */
    public static void runLearningCurve(Path runDir, String metric, Path out) throws IOException {
        String id = runDir.getFileName().toString();
        RunRow row = new RunRow(id, RunStatus.FINISHED, "?", "?", 0, 0, Double.NaN, Double.NaN, 0, null, null, runDir, null);
        RunCurve c = RunsQuery.readCurve(row, metric);
        if (c.values().length == 0) {
            throw new IllegalArgumentException("run " + id + " logged no '" + metric + "'");
        }
        XScale scale = XScale.of(XAxis.GLOBAL_STEP, c.steps()[c.steps().length - 1]);
        XYChart chart = chart(900, 560, id, scale.title(), metric);
        int window = Math.max(10, c.values().length / 50);
        double[] x = scale.apply(c.steps());
        addLine(chart, metric, x, c.values(), new Color(0x1f, 0x77, 0xb4, 90), 1f);
        addLine(chart, "moving average (" + window + ")", x, Curves.movingAverage(c.values(), window), PALETTE[0], 2.2f);
        anchor(chart);
        save(chart, out);
    }

    private static String groupLabel(RunRow r, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(switch (k) {
                case "algo" -> r.algo();
                case "env" -> r.env();
                case "status" -> r.status().label();
                case "seed" -> "seed " + r.seed();
                default -> throw new IllegalArgumentException(k);
            });
        }
        return String.join(" · ", parts);
    }

    /** Divides x values by a power of 1000 (steps) or by 60/3600 (seconds) so ticks stay short. */
    record XScale(double divisor, String title) {
        static XScale of(XAxis axis, double maxX) {
            if (axis == XAxis.GLOBAL_STEP) {
                if (maxX >= 1e7) {
                    return new XScale(1e6, "global step (millions)");
                }
                if (maxX >= 1e4) {
                    return new XScale(1e3, "global step (thousands)");
                }
                return new XScale(1, "global step");
            }
            if (maxX >= 3 * 3600) {
                return new XScale(3600, "wall time (hours)");
            }
            if (maxX >= 300) {
                return new XScale(60, "wall time (minutes)");
            }
            return new XScale(1, "wall time (seconds)");
        }

        double[] apply(double[] x) {
            if (divisor == 1) {
                return x;
            }
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] / divisor;
            }
            return out;
        }
    }

    private static XYChart chart(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0x99, 0x99, 0x99));
        st.setPlotGridLinesColor(new Color(0xe3, 0xe3, 0xe3));
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setLegendBorderColor(new Color(0xcc, 0xcc, 0xcc));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        st.setMarkerSize(0);
        st.setAntiAlias(true);
        return chart;
    }

    /**
     * XChart puts ticks at odd positions (data min + k·range/n) when all x values are equally
     * spaced, as resampled curves are. An invisible two-point series at x = 0 and a third of the
     * first gap breaks the equal spacing, so ticks land on round numbers, and starts the axis at 0.
     */
    private static void anchor(XYChart chart) {
        XYSeries first = chart.getSeriesMap().values().stream()
                .filter(ser -> ser.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Line)
                .findFirst().orElse(null);
        if (first == null) {
            return;
        }
        double[] x = first.getXData();
        double[] y = first.getYData();
        if (x.length < 2 || x[0] < 0) {
            return;
        }
        double x1 = x[0] + (x[1] - x[0]) / 3;
        XYSeries s = chart.addSeries(" ", new double[]{0, x1}, new double[]{y[0], y[0]});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
        s.setShowInLegend(false);
    }

    private static void addLine(XYChart chart, String name, double[] x, double[] y, Color colour, float width) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
        s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }

    private static void addBand(XYChart chart, String name, Aggregate a, Color colour) {
        int n = a.x().length;
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = a.x()[i];
            py[i] = a.upper()[i];
            px[2 * n - 1 - i] = a.x()[i];
            py[2 * n - 1 - i] = a.lower()[i];
        }
        XYSeries s = chart.addSeries(name, px, py);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 55));
        s.setLineColor(new Color(0, 0, 0, 0));
        s.setShowInLegend(false);
    }

    enum Format { PNG, SVG }

    static Format formatOf(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return Format.PNG;
        }
        if (n.endsWith(".svg")) {
            return Format.SVG;
        }
        throw new IllegalArgumentException("plot file must end in .png or .svg, got " + out);
    }

    private static void save(XYChart chart, Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        switch (formatOf(out)) {
            case PNG -> AtomicFiles.write(abs, o -> BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG));
            case SVG -> AtomicFiles.write(abs, o -> VectorGraphicsEncoder.saveVectorGraphic(chart, o,
                    VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        }
    }
}
