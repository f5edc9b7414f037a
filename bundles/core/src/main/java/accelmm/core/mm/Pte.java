package accelmm.core.mm;

/**
 * The 32-bit CPU page-table entry: a present bit, a hardware-writable bit, a zero-page bit and a
 * host frame number of up to 28 bits (1 TiB of 4 KiB pages). 0 means "no entry".
 *
 * <p>A present entry without {@link #WRITE} is read-only for the CPU even where the mapping allows
 * writes: the first write faults, and the fault decides between copy-on-write, reuse and making a
 * shared page writable.
 *
 * <p>Concurrency: pure functions.
 */
final class Pte {
    /** The entry maps something. */
    static final int PRESENT = 1 << 31;
    /** The CPU may write through the entry. */
    static final int WRITE = 1 << 30;
    /** The entry maps the shared zero page: no frame, reads as zero, never writable. */
    static final int ZERO = 1 << 29;
    /**
     * A device entry: bits 24-27 name the pagemap slot, bits 0-23 the device frame within the slot's
     * 64 GiB (a larger device's pagemap takes several slots). Without {@link #PRESENT} it is
     * device-private (the CPU faults on it); with it, device-coherent (the CPU maps it).
     */
    static final int DEVICE = 1 << 28;
    /** Mask of the frame number. */
    static final int PFN_MASK = (1 << 28) - 1;
    /** Bits of the device frame in a device-private entry: a pagemap slot covers 64 GiB. */
    static final int DEVICE_PFN_BITS = 24;
    static final int DEVICE_PFN_MASK = (1 << DEVICE_PFN_BITS) - 1;

    private Pte() {
    }

    static int of(long pfn, boolean writable) {
        if (pfn < 0 || pfn > PFN_MASK) {
            throw new IllegalArgumentException("pfn " + pfn + " does not fit a PTE");
        }
        return PRESENT | (writable ? WRITE : 0) | (int) pfn;
    }

    /** A device-private entry; {@code writable} is kept in the WRITE bit (cleared by fork for copy-on-write). */
    static int device(int slot, long pfn, boolean writable) {
        if (slot < 1 || slot > 15 || pfn < 0 || pfn > DEVICE_PFN_MASK) {
            throw new IllegalArgumentException("device entry slot " + slot + " pfn " + pfn + " does not fit");
        }
        return DEVICE | (writable ? WRITE : 0) | (slot << 24) | (int) pfn;
    }

    /** A device-coherent entry ({@code MEMORY_DEVICE_COHERENT}): a device entry the CPU maps, present. */
    static int coherent(int slot, long pfn, boolean writable) {
        return device(slot, pfn, writable) | PRESENT;
    }

    /** True for an entry of device memory: device-private (not present) or device-coherent (present). */
    static boolean isDevice(int pte) {
        return (pte & DEVICE) != 0;
    }

    /** True for a device-coherent entry: present for the CPU, in device memory. */
    static boolean isCoherent(int pte) {
        return (pte & (DEVICE | PRESENT)) == (DEVICE | PRESENT);
    }

    static int deviceSlot(int pte) {
        return (pte >>> 24) & 0xf;
    }

    static long devicePfn(int pte) {
        return pte & DEVICE_PFN_MASK;
    }

    /** A device-exclusive entry: not present; holds the frame's reference until the CPU takes it back. */
    static int exclusive(long pfn, boolean writable) {
        return ZERO | (writable ? WRITE : 0) | (int) pfn;
    }

    static boolean isExclusive(int pte) {
        return (pte & (PRESENT | ZERO | DEVICE)) == ZERO;
    }

    static int zeroPage() {
        return PRESENT | ZERO;
    }

    static boolean present(int pte) {
        return (pte & PRESENT) != 0;
    }

    static boolean writable(int pte) {
        return (pte & WRITE) != 0;
    }

    static boolean zero(int pte) {
        return (pte & (ZERO | PRESENT)) == (ZERO | PRESENT);
    }

    /** True if the entry holds a reference on a host frame (mapped, or exclusive to a device). */
    static boolean hasFrame(int pte) {
        return present(pte) && !zero(pte) && (pte & DEVICE) == 0 || isExclusive(pte);
    }

    static long pfn(int pte) {
        return pte & PFN_MASK;
    }

    static int readOnly(int pte) {
        return pte & ~WRITE;
    }
}
