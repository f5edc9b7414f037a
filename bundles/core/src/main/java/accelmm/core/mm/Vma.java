package accelmm.core.mm;

import accelmm.api.PageSize;
import accelmm.api.mm.Prot;

/**
 * One mapping of an address space ({@code vm_area_struct}): [start, end), protection, and what
 * backs it: nothing (private anonymous memory) or a file object at a page offset (files, and shared
 * anonymous memory through its shmem object).
 *
 * <p>Concurrency: changed only under the address space's mmap lock held for writing.
 */
final class Vma {
    long start;
    long end;
    int prot;
    final boolean shared;
    final FileObject file;
    /** File page index of {@code start}. */
    long pgoff;
    /** {@link accelmm.api.mm.Madvise#HUGEPAGE}, {@link accelmm.api.mm.Madvise#NOHUGEPAGE} or 0 ({@code VM_HUGEPAGE}, {@code VM_NOHUGEPAGE}). */
    int hugeAdvice;
    /** A hugetlb mapping ({@code VM_HUGETLB}): 2 MiB pages of the pool, split and resized only at 2 MiB. */
    boolean hugetlb;
    /** A shared mapping may ever be made writable ({@code VM_MAYWRITE}): its descriptor had write access. */
    boolean mayWrite = true;
    /** A private hugetlb mapping holding pool reservations for its pages not faulted yet ({@code HPAGE_RESV_OWNER}). */
    boolean hugeResvOwner;

    Vma(long start, long end, int prot, boolean shared, FileObject file, long pgoff) {
        this.start = start;
        this.end = end;
        this.prot = prot;
        this.shared = shared;
        this.file = file;
        this.pgoff = pgoff;
    }

    boolean anonymous() {
        return file == null;
    }

    boolean privateAnon() {
        return file == null && !shared;
    }

    boolean readable() {
        return (prot & Prot.READ) != 0;
    }

    boolean writable() {
        return (prot & Prot.WRITE) != 0;
    }

    /** The file page index that backs {@code addr}. */
    long filePage(long addr) {
        return pgoff + ((addr - start) >>> PageSize.PAGE_SHIFT);
    }

    /** A copy covering [from, to) of this mapping; the file reference is the caller's to take. */
    Vma slice(long from, long to) {
        Vma v = new Vma(from, to, prot, shared, file, file == null ? 0 : filePage(from));
        v.hugeAdvice = hugeAdvice;
        v.hugetlb = hugetlb;
        v.hugeResvOwner = hugeResvOwner;
        v.mayWrite = mayWrite;
        return v;
    }

    String name() {
        if (file == null) {
            return hugetlb ? "anon_hugepage" : "[anon]";
        }
        return file.name();
    }
}
