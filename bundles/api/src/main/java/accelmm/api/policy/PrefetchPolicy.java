package accelmm.api.policy;

/**
 * Names the pages that migrate with a faulting one (UVM's tree prefetcher, sequential, stride,
 * always the whole granule). Selected pages are migrated and mapped as the faulting page is, so the
 * device does not fault on them; those evicted before any use are counted as wasted.
 *
 * <p>Context: runs under the device lock and must not allocate per call.
 */
public interface PrefetchPolicy extends Policy {
    @Override
    default PolicyKind kind() {
        return PolicyKind.PREFETCH;
    }

    /** Selects the pages of {@code request} that move with the fault; the faulting page always moves. */
    void prefetch(PrefetchRequest request, PolicyParams params);
}
