/**
 * The memory manager ({@code mm/}): processes and their descriptor tables, address spaces
 * ({@link accelmm.core.mm.Mm}: VMAs, the CPU page table, notifiers) with the calls over them in
 * classes named after the kernel's files (mmap, unmap, mprotect, mremap, memory.c's faults and CPU
 * access, hmm.c, gup.c, migration, fork), shmem and hugetlbfs files, the hugetlb pool, device
 * page maps of device-private and device-coherent memory, shrinkers and direct reclaim.
 *
 * <h2>Locking</h2>
 * An address space's mmap lock (a read-write lock) outside its page-table lock; notifier
 * callbacks run with both held, device {@code migrate_to_ram} with the page-table lock dropped.
 * Direct reclaim runs the shrinkers with no lock held. Frame reference counts are the nodes'.
 *
 * <h2>State it owns</h2>
 * Processes by pid, address spaces, open files, the host node and the device nodes, frame
 * references of every mapping, pins and reservations.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * MmProcess p = memory.spawn("app");
 * long a = p.mm().mmap(0, 1L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
 * p.mm().write(a, data, 0, data.length);       // faults pages in
 * }</pre>
 */
package accelmm.core.mm;
