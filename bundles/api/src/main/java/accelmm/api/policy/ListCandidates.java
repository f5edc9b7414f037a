package accelmm.api.policy;

import java.util.List;
import java.util.function.Function;

/**
 * Eviction candidates over a list of the caller's objects, least recently used first, each seen
 * as its policy block: how a driver offers its buffer objects to the device's eviction policy.
 *
 * <p>Concurrency: as {@link EvictionCandidates}; the list must not change during the decision.
 *
 * @param <T> the objects
 */
public final class ListCandidates<T> implements EvictionCandidates {
    private final List<T> objects;
    private final Function<T, PolicyBlock> block;
    private final long sequence;

    /** Offers {@code objects} (least recently used first, at least one), seen through {@code block}. */
    public ListCandidates(List<T> objects, Function<T, PolicyBlock> block, long sequence) {
        this.objects = objects;
        this.block = block;
        this.sequence = sequence;
    }

    @Override
    public int size() {
        return objects.size();
    }

    @Override
    public PolicyBlock get(int i) {
        return block.apply(objects.get(i));
    }

    @Override
    public long sequence() {
        return sequence;
    }

    /**
     * Asks {@code policies} for a victim among {@code objects}; an answer that is not one of them
     * falls back to the least recently used.
     *
     * @return the chosen object, or null if there are none
     */
    public static <T> T choose(PolicySet policies, List<T> objects, Function<T, PolicyBlock> block, long sequence) {
        if (objects.isEmpty()) {
            return null;
        }
        PolicyBlock v = policies.victim(new ListCandidates<>(objects, block, sequence));
        for (T o : objects) {
            if (block.apply(o) == v) {
                return o;
            }
        }
        return objects.get(0);
    }
}
