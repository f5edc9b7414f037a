package accelmm.api.mmu;

/**
 * An allocated range of a {@link DrmMm} ({@code struct drm_mm_node}).
 *
 * <p>Concurrency: immutable.
 *
 * @param start first unit, unsigned
 * @param size units, unsigned
 * @param color the caller's tag, passed to the colour-adjust callback of neighbouring holes
 */
public record DrmMmNode(long start, long size, long color) {
    /** Returns one past the last unit, unsigned. */
    public long end() {
        return start + size;
    }
}
