package accelmm.api.policy;

/**
 * Chooses which block leaves device memory when it is full (the kernel's LRU, FIFO, LFU, CLOCK, ...).
 * The core offers the candidates; the victim's pages keep every byte on their way out.
 *
 * <p>Context: every method runs under the device lock and must not allocate per call.
 */
public interface EvictionPolicy extends Policy {
    @Override
    default PolicyKind kind() {
        return PolicyKind.EVICTION;
    }

    /**
     * Chooses the victim.
     *
     * @param candidates at least one block, least recently used first
     * @return one of the candidates
     */
    PolicyBlock victim(EvictionCandidates candidates, PolicyParams params);
}
