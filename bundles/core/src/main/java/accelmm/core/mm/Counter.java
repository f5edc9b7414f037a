package accelmm.core.mm;

/**
 * The memory manager's event counters, named as {@code mm:stats} prints them.
 *
 * <p>Concurrency: immutable.
 */
enum Counter {
    FAULT_ZERO("fault.zero_page"),
    FAULT_ANON("fault.anon"),
    FAULT_HUGE("fault.anon_huge"),
    FAULT_HUGETLB("fault.hugetlb"),
    FAULT_COW("fault.cow"),
    FAULT_REUSE("fault.write_reuse"),
    FAULT_FILE("fault.file"),
    FAULT_SHARED_WRITE("fault.shared_write"),
    FAULT_DEVICE("fault.device_private"),
    MIGRATE_PAGES("migrate.pages"),
    MIGRATE_BYTES("migrate.bytes"),
    COW_COPY("cow.copies"),
    GUP_PIN("gup.pins"),
    GUP_UNPIN("gup.unpins"),
    MMAP("mmap"),
    MUNMAP("munmap"),
    MPROTECT("mprotect"),
    MREMAP("mremap"),
    FORK("fork"),
    NOTIFIER_INVALIDATIONS("notifier.invalidations"),
    NOTIFIER_CALLBACKS("notifier.callbacks"),
    RECLAIM_RUNS("reclaim.runs"),
    RECLAIM_PAGES("reclaim.pages"),
    EXIT("exit");

    final String label;

    Counter(String label) {
        this.label = label;
    }
}
