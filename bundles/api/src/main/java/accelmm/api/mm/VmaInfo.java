package accelmm.api.mm;

/**
 * One mapping as {@link AddressSpace#maps()} describes it, like a line of {@code /proc/PID/maps}.
 *
 * <p>Concurrency: immutable.
 *
 * @param start first address
 * @param end one past the last address
 * @param prot {@link Prot} bits
 * @param shared true for {@code MAP_SHARED}
 * @param name {@code [anon]}, {@code [shmem]}, or the file's name
 * @param offset the file offset of {@code start} (0 for private anonymous memory)
 * @param residentPages pages with a frame (or the zero page) mapped now; -1 when not counted
 *     ({@link AddressSpace#vmaLookup})
 * @param hugetlb true for a hugetlb mapping ({@code VM_HUGETLB}: {@link MapFlags#HUGETLB} or a
 *     hugetlbfs file), whose pages never migrate
 */
public record VmaInfo(long start, long end, int prot, boolean shared, String name, long offset, long residentPages,
        boolean hugetlb) {
    /** A mapping that is not hugetlb. */
    public VmaInfo(long start, long end, int prot, boolean shared, String name, long offset, long residentPages) {
        this(start, end, prot, shared, name, offset, residentPages, false);
    }

    /** Returns the length in bytes. */
    public long length() {
        return end - start;
    }
}
