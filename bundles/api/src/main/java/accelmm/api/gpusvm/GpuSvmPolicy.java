package accelmm.api.gpusvm;

/**
 * The driver's choices during one GPU fault: where a range should live and how to make room in
 * device memory. Given to each call and never kept, so it may be a driver's own class.
 *
 * <p>Context: both methods run without the device lock.
 */
public interface GpuSvmPolicy {
    /** True if the range {@code [start, end)} should migrate to device memory (the preferred location). */
    boolean wantDevmem(long start, long end);

    /**
     * Frees some device memory for a migration into {@code svm} at {@code keepStart} (which must not
     * be the victim), as the driver's eviction does.
     *
     * @return false if nothing could be evicted
     */
    boolean makeRoom(GpuSvm svm, long keepStart);
}
