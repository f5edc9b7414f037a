package accelmm.core.mm;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the memory manager (PID {@code accelmm.core.memory}).
 */
@ObjectClassDefinition(name = "accelmm memory manager", description = "Host RAM and paging policy of the simulated machine.")
public @interface MemoryConfig {
    /** Simulated host RAM in MiB. */
    @AttributeDefinition(name = "Host RAM (MiB)", description = "Size of the host memory node in MiB, 1 to 1048576 (1 TiB); only what is used costs memory.", min = "1", max = "1048576")
    long hostMiB() default 1024;

    /** Whether anonymous memory gets 2 MiB pages where alignment allows. */
    @AttributeDefinition(name = "Transparent huge pages", description = "Map whole, aligned 2 MiB ranges of anonymous memory with one huge page on the first write.")
    boolean thp() default true;

    /** With {@link #thp}: huge pages only for mappings advised {@code MADV_HUGEPAGE} (the kernel's "madvise" setting). */
    @AttributeDefinition(name = "Huge pages on advice only", description = "With transparent huge pages on, give them only to mappings advised MADV_HUGEPAGE (the kernel's 'madvise' setting); else every mapping not advised MADV_NOHUGEPAGE gets them ('always').")
    boolean thpMadviseOnly() default false;

    /** The hugetlb pool: 2 MiB pages that {@code MAP_HUGETLB} mappings and hugetlbfs files use ({@code nr_hugepages}). */
    @AttributeDefinition(name = "Huge pages (hugetlb)", description = "Size of the hugetlb pool in 2 MiB pages (nr_hugepages), 0 to half the host; MAP_HUGETLB mappings and hugetlbfs files reserve from it. Pages are taken from host memory only when faulted.", min = "0")
    long hugePages() default 0;
}
