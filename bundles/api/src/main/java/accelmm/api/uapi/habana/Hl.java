package accelmm.api.uapi.habana;

/**
 * Habana constants: address layout and handle values.
 *
 * <p>Concurrency: constants.
 */
public final class Hl {
    /** The device physical address of the first DRAM byte. */
    public static final long DRAM_BASE = 0x20_0000_0000L;
    /** The first DRAM address user allocations may use (the first 32 MiB belong to the driver). */
    public static final long DRAM_USER_BASE = DRAM_BASE + (32L << 20);
    /** Where DRAM mappings start in the device virtual address space. */
    public static final long DRAM_VA_BASE = 0x1000_0000_0000L;
    /** Where host memory mappings start in the device virtual address space. */
    public static final long HOST_VA_BASE = 0x0100_0000_0000L;
    /** The handle of a host memory mapping ({@code MEM_HANDLE_INVALID}): never exportable. */
    public static final long MEM_HANDLE_INVALID = -1L;

    private Hl() {
    }
}
