package accelmm.api.gpuvm;

/**
 * One mapping of a GPU VM's address space ({@code struct drm_gpuva}): a CPU-address mirror, a
 * userptr, or a BO at an offset into it.
 *
 * @param start the first GPU address
 * @param end one past the last
 * @param kind what backs it
 * @param handle the BO's handle, 0 for a mirror or a userptr
 * @param offset the byte offset into the BO at {@code start}, 0 for the others
 */
public record GpuVa(long start, long end, Kind kind, int handle, long offset) {
    /** What backs a mapping. */
    public enum Kind {
        /** {@code DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR}: GPU addresses are the process's own, faulted by SVM. */
        MIRROR,
        /** A userptr: the process's pages at the same addresses, always in system memory. */
        USERPTR,
        /** A buffer object. */
        BO
    }

    /** A mirror or userptr bind of {@code [start, end)}. */
    public static GpuVa mirror(long start, long end, boolean userptr) {
        return new GpuVa(start, end, userptr ? Kind.USERPTR : Kind.MIRROR, 0, 0);
    }

    /** True if it overlaps {@code [s, e)}. */
    public boolean overlaps(long s, long e) {
        return start < e && s < end;
    }

    /** True if it holds {@code addr}. */
    public boolean holds(long addr) {
        return addr >= start && addr < end;
    }

    /** The part {@code [s, e)} of it, with the BO offset moved along. */
    public GpuVa part(long s, long e) {
        return new GpuVa(s, e, kind, handle, kind == Kind.BO ? offset + (s - start) : 0);
    }
}
