package accelmm.core.mm;

import accelmm.api.PageSize;

/**
 * Splits a byte range into the pieces that fall into each page, for copies that go page by page.
 *
 * <p>Concurrency: stateless.
 */
final class PageCopy {
    private PageCopy() {
    }

    /** Receives one piece: the page's address, the offset in the page, bytes done so far, the length. */
    @FunctionalInterface
    interface Chunk {
        void copy(long pageAddr, int offsetInPage, int done, int length);
    }

    /** Calls {@code chunk} for each page-sized piece of {@code [addr, addr + len)}, in order. */
    static void forEachChunk(long addr, long len, Chunk chunk) {
        long done = 0;
        while (done < len) {
            long at = addr + done;
            int in = (int) (at & (PageSize.PAGE_SIZE - 1));
            int piece = (int) Math.min(len - done, PageSize.PAGE_SIZE - in);
            chunk.copy(at & PageSize.PAGE_MASK, in, (int) done, piece);
            done += piece;
        }
    }
}
