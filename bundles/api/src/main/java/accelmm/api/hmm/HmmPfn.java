package accelmm.api.hmm;

/**
 * The bits of an {@code hmm_pfns[]} entry: on input, what to request for the page; on output, what
 * the CPU page table maps there.
 *
 * <p>Output: {@link #VALID} with the frame number in the low bits and its memory node above them
 * (and {@link #WRITE} if the CPU may write it, {@link #DEVICE_PRIVATE} for the owner's
 * device-private pages, and the map order), {@link #ERROR} for an address the device must not access, or 0
 * for a page that is not present and was not requested. Input: {@link #REQ_FAULT} to fault the page
 * in, {@link #REQ_WRITE} to fault it in writable.
 *
 * <p>Concurrency: constants and pure functions.
 */
public final class HmmPfn {
    /** Output: the entry maps a page. */
    public static final long VALID = 1L << 63;
    /** Output: the CPU may write the page. */
    public static final long WRITE = 1L << 62;
    /** Output: the device must not access the address. */
    public static final long ERROR = 1L << 61;
    /** Input: fault the page in if it is not valid ({@code HMM_PFN_REQ_FAULT}, the same bit as VALID). */
    public static final long REQ_FAULT = VALID;
    /** Input: fault the page in writable ({@code HMM_PFN_REQ_WRITE}, the same bit as WRITE). */
    public static final long REQ_WRITE = WRITE;
    /** Shift of the map order field (0 for 4 KiB, 9 for 2 MiB). */
    public static final int ORDER_SHIFT = 56;
    /** Shift of the memory node id (0 for host RAM, a device node's id for device-private pages). */
    public static final int NODE_SHIFT = 40;
    /**
     * Output: the page is device-private memory of the range's {@code devPrivateOwner}
     * ({@code is_device_private_page}); its node is the device's.
     */
    public static final long DEVICE_PRIVATE = 1L << 55;
    /** Mask of the frame number within its node. */
    public static final long PFN_MASK = (1L << NODE_SHIFT) - 1;
    /** The frame number reported for the shared zero page (on node 0). */
    public static final long ZERO_PAGE_PFN = PFN_MASK;

    private HmmPfn() {
    }

    /** Returns the frame number of a valid entry. */
    public static long pfn(long entry) {
        return entry & PFN_MASK;
    }

    /** Returns the memory node of a valid entry: 0 for host RAM. */
    public static int node(long entry) {
        return (int) (entry >>> NODE_SHIFT) & 0x7fff;
    }

    /** Returns true if a valid entry is a device-private page ({@link #DEVICE_PRIVATE}). */
    public static boolean devicePrivate(long entry) {
        return (entry & (VALID | DEVICE_PRIVATE)) == (VALID | DEVICE_PRIVATE);
    }

    /** Returns true if a valid entry is the shared zero page. */
    public static boolean zeroPage(long entry) {
        return valid(entry) && pfn(entry) == ZERO_PAGE_PFN && node(entry) == 0;
    }

    /**
     * Returns the physical address of a valid entry's page, the zero page included
     * ({@link accelmm.api.mm.PhysAddr#ZERO_PAGE}), for {@code physRead}, {@code physWrite} or a
     * device page table: a driver needs no special case for any page it was given.
     */
    public static long physAddr(long entry) {
        return zeroPage(entry) ? accelmm.api.mm.PhysAddr.ZERO_PAGE : accelmm.api.mm.PhysAddr.of(node(entry), pfn(entry), 0);
    }

    /** Returns the map order of a valid entry ({@code hmm_pfn_to_map_order}). */
    public static int order(long entry) {
        return (int) (entry >>> ORDER_SHIFT) & 0x1f;
    }

    /** Returns true if the entry is valid. */
    public static boolean valid(long entry) {
        return (entry & VALID) != 0;
    }

    /** Returns true if the entry is valid and writable. */
    public static boolean writable(long entry) {
        return (entry & (VALID | WRITE)) == (VALID | WRITE);
    }
}
