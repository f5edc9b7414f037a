package accelmm.core.mmu;

import java.util.IdentityHashMap;
import java.util.Map;

import accelmm.api.Errno;
import accelmm.api.mmu.AsidSlots;

/**
 * {@link AsidSlots} with LRU stealing of idle slots.
 *
 * <p>Concurrency: every call synchronizes on the slots.
 *
 * @param <T> the owner type
 */
public final class AsidSlotsImpl<T> implements AsidSlots<T> {
    private final Object[] owners;
    private final int[] active;
    private final long[] lastUse;
    private final Map<T, Integer> slotOf = new IdentityHashMap<>();
    private final StealListener<T> listener;
    private long clock;

    /**
     * Creates {@code count} free slots.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for fewer than one slot
     */
    public AsidSlotsImpl(int count, StealListener<T> listener) {
        if (count < 1) {
            throw Errno.EINVAL.exception("at least one address-space slot is needed");
        }
        this.owners = new Object[count];
        this.active = new int[count];
        this.lastUse = new long[count];
        this.listener = listener == null ? (v, s) -> { } : listener;
    }

    @Override
    public int count() {
        return owners.length;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized int get(T owner) {
        Integer mine = slotOf.get(owner);
        int slot;
        if (mine != null) {
            slot = mine;
        } else {
            slot = -1;
            for (int i = 0; i < owners.length && slot < 0; i++) {
                if (owners[i] == null) {
                    slot = i;
                }
            }
            if (slot < 0) {
                for (int i = 0; i < owners.length; i++) {
                    if (active[i] == 0 && (slot < 0 || lastUse[i] < lastUse[slot])) {
                        slot = i;
                    }
                }
                if (slot < 0) {
                    throw Errno.EBUSY.exception("all " + owners.length + " address-space slots are in use");
                }
                T victim = (T) owners[slot];
                slotOf.remove(victim);
                listener.stolen(victim, slot);
            }
            owners[slot] = owner;
            slotOf.put(owner, slot);
        }
        active[slot]++;
        lastUse[slot] = ++clock;
        return slot;
    }

    @Override
    public synchronized void put(T owner) {
        Integer slot = slotOf.get(owner);
        if (slot == null || active[slot] == 0) {
            throw Errno.EINVAL.exception("the owner is not active on any slot");
        }
        active[slot]--;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized T ownerOf(int slot) {
        return slot < 0 || slot >= owners.length ? null : (T) owners[slot];
    }

    @Override
    public synchronized int slotOf(T owner) {
        Integer slot = slotOf.get(owner);
        return slot == null ? -1 : slot;
    }

    @Override
    public synchronized void release(T owner) {
        Integer slot = slotOf.remove(owner);
        if (slot != null) {
            owners[slot] = null;
            active[slot] = 0;
        }
    }
}
