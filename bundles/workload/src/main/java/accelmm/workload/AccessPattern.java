package accelmm.workload;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The page orders of an {@code access} step: which pages of a window, in which order, a CPU or a
 * device touches. Each pattern is a pure function of its parameters and a seed:
 * <ul>
 * <li>{@code sequential}: pages 0, 1, 2, ... wrapping at the end of the window;
 * <li>{@code strided}: every {@code stride}-th page to the end of the window, then again from one
 *     page further (0, 3, 6, 1, 4, 7, ... for a stride of 3 pages);
 * <li>{@code random}: pages drawn uniformly;
 * <li>{@code zipf}: page k drawn with a weight of about {@code 1 / (k + 1)^skew} (the continuous
 *     approximation of Zipf's law, sampled by inversion), so page 0 is the hottest;
 * <li>{@code hot-cold}: a {@code share} of the accesses to the first {@code hot} fraction of the
 *     pages, the rest to the others, uniformly within each.
 * </ul>
 *
 * <p>Concurrency: stateless.
 */
final class AccessPattern {
    /** The patterns and the parameters each takes besides the window, the count and the seed. */
    static final Map<String, List<String>> PATTERNS = Map.of("sequential", List.of(), "strided", List.of("stride"),
            "random", List.of(), "zipf", List.of("skew"), "hot-cold", List.of("hot", "share"));
    /** The most accesses one step may make. */
    static final long MAX_COUNT = 1L << 24;
    private static final long PAGE = 4096;

    private AccessPattern() {
    }

    /**
     * Checks an {@code access} step's arguments beyond their types (the window inside the buffer is
     * checked with every step's).
     *
     * @return what is wrong, as the rest of "expected ...", or null
     */
    static String check(WorkloadFile.Step s, long bufferSize) {
        String pattern = s.name("pattern");
        List<String> own = PATTERNS.get(pattern);
        if (own == null) {
            return "'pattern': one of sequential, strided, random, zipf, hot-cold; not '" + pattern + "'";
        }
        for (String p : List.of("stride", "skew", "hot", "share")) {
            if (s.args().containsKey(p) && !own.contains(p)) {
                return "'" + p + "' only with pattern " + (p.equals("stride") ? "strided" : p.equals("skew") ? "zipf" : "hot-cold");
            }
        }
        long off = s.size("offset", 0);
        long len = s.size("length", bufferSize - off);
        if (off % PAGE != 0 || len % PAGE != 0) {
            return "'offset' and 'length' of whole pages (multiples of 4k) for 'access', not " + off + " and " + len;
        }
        long count = s.size("count", len / PAGE);
        if (count < 1 || count > MAX_COUNT) {
            return "'count': from 1 to " + MAX_COUNT + " accesses, not " + count;
        }
        long stride = s.size("stride", PAGE);
        if (stride < PAGE || stride % PAGE != 0) {
            return "'stride': whole pages (4k, 8k, ...), not " + stride;
        }
        double skew = real(s, "skew", 0.99);
        if (!(skew > 0 && skew <= 10)) {
            return "'skew': more than 0, at most 10, not " + skew;
        }
        double hot = real(s, "hot", 0.1);
        if (!(hot > 0 && hot < 1)) {
            return "'hot': a fraction between 0 and 1 (exclusive), not " + hot;
        }
        double share = real(s, "share", 0.9);
        if (!(share >= 0 && share <= 1)) {
            return "'share': a fraction from 0 to 1, not " + share;
        }
        return null;
    }

    static double real(WorkloadFile.Step s, String key, double absent) {
        Object v = s.args().get(key);
        return v == null ? absent : (Double) v;
    }

    /** Parses a {@code real} argument; null if it is not a number. */
    static Double parseReal(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Returns the pages, relative to the window of {@code pages} pages, that {@code count} accesses of
     * {@code pattern} touch in order.
     */
    static long[] pages(String pattern, long pages, int count, long stridePages, double skew, double hot, double share, long seed) {
        long[] out = new long[count];
        SplittableRandom r = new SplittableRandom(seed);
        long hotPages = Math.max(1, Math.min(pages - 1, (long) Math.floor(pages * hot)));
        for (int i = 0; i < count; i++) {
            out[i] = switch (pattern) {
                case "sequential" -> i % pages;
                case "strided" -> {
                    long perLap = (pages + stridePages - 1) / stridePages;
                    yield ((i % perLap) * stridePages + i / perLap) % pages;
                }
                case "random" -> r.nextLong(pages);
                case "zipf" -> zipf(r.nextDouble(), pages, skew);
                case "hot-cold" -> pages == 1 ? 0 : r.nextDouble() < share ? r.nextLong(hotPages) : hotPages + r.nextLong(pages - hotPages);
                default -> throw new IllegalArgumentException(pattern);
            };
        }
        return out;
    }

    /** The page of a uniform {@code u} under the continuous Zipf approximation over {@code n} pages. */
    static long zipf(double u, long n, double s) {
        double x;
        if (Math.abs(s - 1) < 1e-9) {
            x = Math.exp(u * Math.log(n + 1.0));
        } else {
            double h = (Math.pow(n + 1.0, 1 - s) - 1) / (1 - s);
            x = Math.pow(1 + u * h * (1 - s), 1 / (1 - s));
        }
        return Math.min(n - 1, Math.max(0, (long) Math.floor(x) - 1));
    }
}
