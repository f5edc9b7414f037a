package accelmm.testing;

/**
 * The seeded data tests write and check: every byte depends on the seed, its offset and its page,
 * so a lost write, a page moved to the wrong place or two buffers swapped all show.
 *
 * <p>Concurrency: stateless.
 */
public final class Patterns {
    private Patterns() {
    }

    /** {@code len} bytes of the pattern of {@code seed}. */
    public static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 7 + seed + (i >>> 12));
        }
        return b;
    }
}
