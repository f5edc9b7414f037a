package accelmm.api.gmem;

/**
 * The states of a 2 MiB region in an address space's logical page table ({@code GM_PAGE_*}). A
 * region is NOMAP, CPU or DEVICE; WILLNEED may be added to any of them: the region is wanted on a
 * device and is never chosen for eviction.
 *
 * <p>Concurrency: constants only.
 */
public final class GmPage {
    /** The region's data is in host memory, mapped by the CPU. */
    public static final int CPU = 0x10;
    /** The region's data is in one device's memory; the CPU faults to get it back. */
    public static final int DEVICE = 0x20;
    /** The region has never been touched by a device or holds no data. */
    public static final int NOMAP = 0x40;
    /** The region is wanted on a device (a MARK_HOT hint, or a fault that found device memory full). */
    public static final int WILLNEED = 0x80;
    /** The size of a region. */
    public static final long REGION = 2L << 20;

    private GmPage() {
    }

    /** Returns the names of the bits set in {@code flags}, for example {@code "DEVICE|WILLNEED"}. */
    public static String describe(int flags) {
        return Bits.describe(flags, new int[] {NOMAP, CPU, DEVICE, WILLNEED}, new String[] {"NOMAP", "CPU", "DEVICE", "WILLNEED"});
    }
}
