package accelmm.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import accelmm.api.policy.BlockState;
import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;

/**
 * Runs an eviction policy over a scripted access sequence as the core would: a device memory of
 * {@code capacity} blocks; an access to a block not in it is a miss that brings it in, evicting the
 * policy's choice among the others (offered least recently used first) when memory is full. It
 * records the victims in order, so a test can assert them exactly.
 *
 * <p>Concurrency: single-threaded.
 */
public final class EvictionScript {
    private final int capacity;
    private final List<BlockState> resident = new ArrayList<>();
    private final List<Integer> victims = new ArrayList<>();
    private long sequence;
    private int misses;

    /** A device memory of {@code capacity} blocks. */
    public EvictionScript(int capacity) {
        this.capacity = capacity;
    }

    /** Accesses the blocks {@code ids} in order under {@code policy}; returns this. */
    public EvictionScript run(EvictionPolicy policy, PolicyParams params, int... ids) {
        for (int id : ids) {
            access(policy, params, id);
        }
        return this;
    }

    private void access(EvictionPolicy policy, PolicyParams params, int id) {
        BlockState b = resident.stream().filter(x -> id(x) == id).findFirst().orElse(null);
        if (b == null) {
            misses++;
            if (resident.size() == capacity) {
                List<BlockState> lru = new ArrayList<>(resident);
                lru.sort(Comparator.comparingLong(BlockState::lastUse));
                PolicyBlock v = policy.victim(new EvictionCandidates() {
                    @Override
                    public int size() {
                        return lru.size();
                    }

                    @Override
                    public PolicyBlock get(int i) {
                        return lru.get(i);
                    }

                    @Override
                    public long sequence() {
                        return sequence;
                    }
                }, params);
                if (!lru.contains(v)) {
                    throw new AssertionError(policy.name() + " chose a block that is not a candidate");
                }
                sequence++;
                resident.remove(v);
                victims.add(id((BlockState) v));
            }
            b = new BlockState((long) id << 21, 2L << 20);
            resident.add(b);
        }
        b.used();
    }

    private static int id(BlockState b) {
        return (int) (b.start() >> 21);
    }

    /** Returns the victims, in the order they were chosen. */
    public List<Integer> victims() {
        return List.copyOf(victims);
    }

    /** Returns how many accesses missed. */
    public int misses() {
        return misses;
    }

    /** Returns parameters with these values, in the policy's order. */
    public static PolicyParams params(long... values) {
        return i -> values[i];
    }
}
