package accelmm.api.gmem;

/**
 * One region of a logical page table as {@link GmAs#table} reports it.
 *
 * @param start the region's first address (2 MiB aligned)
 * @param flags its {@link GmPage} state
 * @param device the name of the device holding it, or null
 * @param devicePages how many of its pages the CPU page table holds as device pages
 * @param hostPages how many of its pages are in host memory
 */
public record GmRegion(long start, int flags, String device, int devicePages, int hostPages) {
}
