package accelmm.core.mm;

import accelmm.api.mm.Madvise;

/**
 * When anonymous memory gets transparent huge pages, as {@code /sys/kernel/mm/transparent_hugepage/enabled}
 * says: {@link #ALWAYS} (unless a mapping was advised {@code MADV_NOHUGEPAGE}), {@link #MADVISE}
 * (only mappings advised {@code MADV_HUGEPAGE}) or {@link #NEVER}.
 *
 * <p>Concurrency: immutable.
 */
enum ThpMode {
    ALWAYS,
    MADVISE,
    NEVER;

    /** Whether a fault in {@code v} may map a huge page. */
    boolean allows(Vma v) {
        return switch (this) {
            case ALWAYS -> v.hugeAdvice != Madvise.NOHUGEPAGE;
            case MADVISE -> v.hugeAdvice == Madvise.HUGEPAGE;
            case NEVER -> false;
        };
    }
}
