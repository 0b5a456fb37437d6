package dev.trail.track.plot;

import dev.trail.track.TestRuns;
import dev.trail.track.plot.Curves.Aggregate;
import dev.trail.track.plot.Curves.Band;
import dev.trail.track.plot.Plots.PlotRequest;
import dev.trail.track.plot.Plots.PlotResult;
import dev.trail.track.plot.Plots.XAxis;
import dev.trail.track.query.RunFilter;
import dev.trail.track.query.RunsQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {

    @TempDir
    Path tmp;

    @Test
    void movingAverageAndInterpolationByHand() {
        // window 2: 1, (1+3)/2, (3+5)/2, (5+7)/2
        assertArrayEquals(new double[]{1, 2, 4, 6}, Curves.movingAverage(new double[]{1, 3, 5, 7}, 2), 1e-12);
        assertArrayEquals(new double[]{1, 3}, Curves.movingAverage(new double[]{1, 3}, 1), 1e-12);
        // y = 2x on x = 0, 10: at 2.5 -> 5, beyond the ends -> end values
        assertArrayEquals(new double[]{0, 5, 20, 20}, Curves.interpolate(new double[]{0, 10}, new double[]{0, 20}, new double[]{-1, 2.5, 10, 12}), 1e-12);
    }

    @Test
    void aggregateGivesMeanAndStudentTBandOnTheCommonRange() {
        // runs y = x and y = x + 2 over [0, 10] and [0, 8]: common range [0, 8], mean x + 1,
        // std sqrt(2) everywhere, 95% CI half-width t(0.975,1) * sqrt(2) / sqrt(2) = 12.7062
        Aggregate a = Curves.aggregate(List.of(new double[]{0, 10}, new double[]{0, 8}),
                List.of(new double[]{0, 10}, new double[]{2, 10}), 5, Band.CI95);
        assertArrayEquals(new double[]{0, 2, 4, 6, 8}, a.x(), 1e-12);
        assertArrayEquals(new double[]{1, 3, 5, 7, 9}, a.mean(), 1e-12);
        assertEquals(1 + 12.706205, a.upper()[0], 1e-5);
        Aggregate s = Curves.aggregate(List.of(new double[]{0, 10}, new double[]{0, 8}),
                List.of(new double[]{0, 10}, new double[]{2, 10}), 5, Band.STD);
        assertEquals(1 - Math.sqrt(2), s.lower()[0], 1e-12);
    }

    @Test
    void learningCurvesArePngAndSvgOfTheRequestedSize() throws Exception {
        Path runs = tmp.resolve("runs");
        SplittableRandom rng = new SplittableRandom(7);
        for (String algo : List.of("ppo", "dqn")) {
            for (int seed = 1; seed <= 3; seed++) {
                double[] returns = new double[120];
                double speed = algo.equals("ppo") ? 1.0 : 0.6;
                for (int i = 0; i < returns.length; i++) {
                    double progress = 1 - Math.exp(-speed * i / 40.0);
                    returns[i] = 20 + 460 * progress * (0.9 + 0.05 * seed) + 40 * (rng.nextDouble() - 0.5);
                }
                TestRuns.finishedRun(runs, "CartPole-v1", algo, seed, returns, 4096, 2.0 + seed * 0.1);
            }
        }
        Path png = tmp.resolve("plots/curve.png");
        PlotResult r = Plots.learningCurve(runs, PlotRequest.of(RunFilter.ALL, png).withSmooth(5));
        assertEquals(List.of("dqn · CartPole-v1 (n=3)", "ppo · CartPole-v1 (n=3)"), r.groups());
        assertEquals(6, r.runs());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(560, img.getHeight());
        assertTrue(Files.size(png) > 10_000);
        String example = System.getProperty("trail.track.examplePng");
        if (example != null) {
            Files.copy(png, Path.of(example), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        Path svg = tmp.resolve("plots/time.svg");
        Plots.learningCurve(runs, PlotRequest.of(RunsQuery.filter(null, "ppo", null, null), svg)
                .withX(XAxis.TIME).withBand(Band.STD).withSize(640, 400));
        String text = Files.readString(svg);
        assertTrue(text.contains("<svg"), text.substring(0, Math.min(200, text.length())));
        assertTrue(text.contains("width=\"640"), text.substring(0, Math.min(400, text.length())));

        assertThrows(IllegalArgumentException.class, () -> PlotRequest.of(RunFilter.ALL, tmp.resolve("x.jpg")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.learningCurve(runs, PlotRequest.of(RunFilter.ALL, tmp.resolve("n.png")).withMetric("charts/nope")));
        assertTrue(e.getMessage().contains("charts/nope"), e.getMessage());
    }

    @Test
    void xAxisNames() {
        assertEquals(XAxis.GLOBAL_STEP, XAxis.parse("global_step"));
        assertEquals(XAxis.TIME, XAxis.parse("time"));
        assertThrows(IllegalArgumentException.class, () -> XAxis.parse("episodes"));
        assertEquals(new Plots.XScale(1e3, "global step (thousands)"), Plots.XScale.of(XAxis.GLOBAL_STEP, 500_000));
        assertEquals(new Plots.XScale(1e6, "global step (millions)"), Plots.XScale.of(XAxis.GLOBAL_STEP, 2e7));
        assertEquals(new Plots.XScale(60, "wall time (minutes)"), Plots.XScale.of(XAxis.TIME, 900));
    }
}
