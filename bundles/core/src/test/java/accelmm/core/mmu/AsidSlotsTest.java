package accelmm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

class AsidSlotsTest {
    final List<String> stolen = new ArrayList<>();
    final AsidSlotsImpl<String> slots = new AsidSlotsImpl<>(2, (victim, slot) -> stolen.add(victim + "@" + slot));

    @Test
    void anOwnerKeepsItsSlotAndNewcomersTakeFreeOnes() {
        assertEquals(0, slots.get("a"));
        assertEquals(0, slots.get("a"));
        assertEquals(1, slots.get("b"));
        assertEquals("a", slots.ownerOf(0));
        assertEquals(1, slots.slotOf("b"));
        assertEquals(-1, slots.slotOf("c"));
        assertNull(slots.ownerOf(5));
    }

    @Test
    void theLeastRecentlyUsedIdleSlotIsStolenAndItsOwnerTold() {
        slots.get("a");
        slots.get("b");
        slots.put("a");
        slots.put("b");
        slots.get("b");
        slots.put("b");
        assertEquals(0, slots.get("c"), "a was idle longest");
        assertEquals(List.of("a@0"), stolen);
        assertEquals(-1, slots.slotOf("a"));
        assertEquals("c", slots.ownerOf(0), "a fault on slot 0 now resolves against c, never a");
    }

    @Test
    void whenEverySlotIsActiveANewcomerIsEbusy() {
        slots.get("a");
        slots.get("b");
        assertEquals(Errno.EBUSY, assertThrows(ErrnoException.class, () -> slots.get("c")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> slots.put("c")).errno());
        slots.release("a");
        assertEquals(0, slots.get("c"));
        assertEquals(List.of(), stolen, "a released slot is free, not stolen");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> new AsidSlotsImpl<String>(0, null)).errno());
    }
}
