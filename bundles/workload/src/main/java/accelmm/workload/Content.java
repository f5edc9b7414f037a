package accelmm.workload;

import java.util.Locale;

import accelmm.api.Errno;

/**
 * How a workload's pages hold their content: {@link #BYTES}, every page its 4 KiB, or
 * {@link #STAMPS}, every page a 64-bit stamp that stands for its content
 * ({@link accelmm.api.mm.Stamps}), so that a working set of many GiB runs in a fraction of its size
 * with every page still checked.
 *
 * <p>Stamps stand for whole pages: they cannot show what part of a page a write changed, nor a
 * byte-exact DMA of a sub-page range. Steps that need that (a window that is not whole pages,
 * {@code gna-infer}'s arithmetic) are refused in stamps mode before anything runs.
 *
 * <p>Concurrency: immutable.
 */
enum Content {
    BYTES,
    STAMPS;

    /**
     * Parses {@code bytes} or {@code stamps}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for anything else
     */
    static Content parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "bytes" -> BYTES;
            case "stamps" -> STAMPS;
            default -> throw Errno.EINVAL.exception("content " + s + ": bytes or stamps");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
