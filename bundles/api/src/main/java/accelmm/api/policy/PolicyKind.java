package accelmm.api.policy;

import java.util.Locale;

/**
 * What a memory policy decides: which block leaves device memory, which pages come with a fault,
 * and what to do about a block that keeps moving.
 */
public enum PolicyKind {
    /** Chooses victims when device memory is short ({@link EvictionPolicy}). */
    EVICTION,
    /** Names the pages that migrate with a faulting one ({@link PrefetchPolicy}). */
    PREFETCH,
    /** Answers a block that moves too often ({@link ThrashingPolicy}). */
    THRASHING;

    /** Returns the lower-case name used in configurations and commands: {@code eviction}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a label.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} naming the kinds there are
     */
    public static PolicyKind of(String label) {
        for (PolicyKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw accelmm.api.Errno.EINVAL.exception("no policy kind '" + label + "'; one of eviction, prefetch, thrashing");
    }
}
