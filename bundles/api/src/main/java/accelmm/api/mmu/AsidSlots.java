package accelmm.api.mmu;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's hardware address-space slots ({@code panfrost_mmu_as_get/put}): a limited number of
 * slots shared by many address spaces; an owner keeps its slot while it is active, a newcomer takes
 * a free slot or steals the least recently used idle one, and a GPU fault on a slot is resolved
 * against the slot's current owner.
 *
 * <p>Concurrency: thread-safe.
 *
 * @param <T> the owner type (a per-file address space)
 */
@ProviderType
public interface AsidSlots<T> {
    /** Hears that an owner lost its slot to another (it must flush its TLB entries for that slot). */
    @FunctionalInterface
    interface StealListener<T> {
        /** {@code victim} lost {@code slot}. */
        void stolen(T victim, int slot);
    }

    /** Returns the number of slots. */
    int count();

    /**
     * Makes {@code owner} active on a slot and returns it: its own slot if it has one, else a free
     * slot, else the least recently used slot with no active user (whose owner is told).
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} if every slot has active users
     */
    int get(T owner);

    /**
     * Ends one activation of {@code owner}; at zero its slot becomes idle but stays assigned.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the owner is not active
     */
    void put(T owner);

    /** Returns the current owner of {@code slot}, or null (the fault-resolution lookup). */
    T ownerOf(int slot);

    /** Returns {@code owner}'s slot, or -1 if it has none. */
    int slotOf(T owner);

    /** Forgets {@code owner} and frees its slot (the file closed). */
    void release(T owner);
}
