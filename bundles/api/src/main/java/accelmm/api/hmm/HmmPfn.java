package accelmm.api.hmm;

/**
 * The bits of an {@code hmm_pfns[]} entry: on input, what to request for the page; on output, what
 * the CPU page table maps there.
 *
 * <p>Output: {@link #VALID} with the frame number in the low bits and its memory node above them
 * (and {@link #WRITE} if the CPU may write it, and the map order), {@link #ERROR} for an address the device must not access, or 0
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
        return (int) (entry >>> NODE_SHIFT) & 0xffff;
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
