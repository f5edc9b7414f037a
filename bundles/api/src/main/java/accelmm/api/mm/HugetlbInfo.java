package accelmm.api.mm;

/**
 * The hugetlb pool's figures, as {@code /proc/meminfo} shows them.
 *
 * @param pageSize the huge page size in bytes ({@code Hugepagesize}, 2 MiB)
 * @param total the pages of the pool ({@code HugePages_Total}, the {@code hugePages} setting)
 * @param free the pages not in use ({@code HugePages_Free}), reserved ones included
 * @param reserved pages promised to mappings and files but not yet faulted ({@code HugePages_Rsvd})
 */
public record HugetlbInfo(long pageSize, long total, long free, long reserved) {
}
