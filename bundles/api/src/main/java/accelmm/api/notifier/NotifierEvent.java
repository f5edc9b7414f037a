package accelmm.api.notifier;

/**
 * Why an address range is being invalidated ({@code enum mmu_notifier_event}, in kernel order).
 *
 * <p>Concurrency: immutable.
 */
public enum NotifierEvent {
    /** The range is unmapped (munmap, mremap moving pages away). */
    UNMAP,
    /** Pages are cleared or replaced (copy-on-write break, page reclaim). */
    CLEAR,
    /** The protection of whole mappings changes (mprotect). */
    PROTECTION_VMA,
    /** The protection of pages changes (fork write-protecting pages for copy-on-write). */
    PROTECTION_PAGE,
    /** Soft-dirty tracking is reset. */
    SOFT_DIRTY,
    /** The whole address space goes away (exit). */
    RELEASE,
    /** Pages migrate; {@link NotifierRange#owner()} names who migrates them. */
    MIGRATE,
    /** Pages become exclusive to a device; {@link NotifierRange#owner()} names it. */
    EXCLUSIVE
}
