package accelmm.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The page orders of the access patterns, worked out by hand where they are deterministic. */
class AccessPatternTest {
    @Test
    void sequentialWrapsAndStridedShiftsByAPageAtEachWrap() {
        assertArrayEquals(new long[] {0, 1, 2, 3, 0, 1}, AccessPattern.pages("sequential", 4, 6, 1, 0, 0, 0, 1));
        // Stride 3 over 8 pages: 0 3 6, then from 1: 1 4 7, then from 2: 2 5.
        assertArrayEquals(new long[] {0, 3, 6, 1, 4, 7, 2, 5}, AccessPattern.pages("strided", 8, 8, 3, 0, 0, 0, 1));
    }

    @Test
    void randomPatternsAreReproducibleAndStayInTheWindow() {
        long[] a = AccessPattern.pages("random", 100, 1000, 1, 0, 0, 0, 7);
        assertArrayEquals(a, AccessPattern.pages("random", 100, 1000, 1, 0, 0, 0, 7));
        for (long p : a) {
            assertTrue(p >= 0 && p < 100);
        }
    }

    @Test
    void zipfFavoursTheFirstPagesByItsSkew() {
        long[] z = AccessPattern.pages("zipf", 1000, 100_000, 1, 1.0, 0, 0, 3);
        int first = 0;
        int tenth = 0;
        for (long p : z) {
            first += p == 0 ? 1 : 0;
            tenth += p == 9 ? 1 : 0;
            assertTrue(p >= 0 && p < 1000);
        }
        // With skew 1 over 1000 pages, page 0 takes ln(2)/ln(1001) = 10 % and page 9 ln(11/10)/ln(1001) = 1.4 %.
        assertEquals(0.100, first / 100_000.0, 0.01);
        assertEquals(0.0138, tenth / 100_000.0, 0.003);
    }

    @Test
    void hotColdSendsItsShareToTheHotPages() {
        long[] h = AccessPattern.pages("hot-cold", 100, 100_000, 1, 0, 0.2, 0.9, 5);
        int hot = 0;
        for (long p : h) {
            hot += p < 20 ? 1 : 0;
        }
        assertEquals(0.9, hot / 100_000.0, 0.01);
    }
}
