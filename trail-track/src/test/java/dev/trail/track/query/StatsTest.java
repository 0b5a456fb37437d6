package dev.trail.track.query;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @ParameterizedTest
    @CsvSource({
        "0.975, 1, 12.706204736",
        "0.975, 2, 4.302652730",
        "0.975, 3, 3.182446305",
        "0.975, 4, 2.776445105",
        "0.975, 9, 2.262157163",
        "0.975, 30, 2.042272456",
        "0.95, 5, 2.015048373",
        "0.995, 10, 3.169272667",
        "0.975, 1000, 1.962339081",
    })
    void studentTQuantilesMatchTables(double p, double df, double expected) {
        assertEquals(expected, Stats.studentTQuantile(p, df), 1e-7);
        assertEquals(-expected, Stats.studentTQuantile(1 - p, df), 1e-7);
    }

    @Test
    void meanStdAndInterval() {
        double[] x = {12, 14, 7};
        assertEquals(11, Stats.mean(x), 1e-12);
        assertEquals(Math.sqrt(13), Stats.std(x), 1e-12);
        assertEquals(4.302652730 * Math.sqrt(13) / Math.sqrt(3), Stats.ciHalfWidth(Stats.std(x), 3, 0.95), 1e-8);
        assertTrue(Double.isNaN(Stats.std(new double[]{1})));
        assertTrue(Double.isNaN(Stats.ciHalfWidth(1, 1, 0.95)));
        assertEquals(0.5, Stats.studentTCdf(0, 3), 1e-15);
    }
}
