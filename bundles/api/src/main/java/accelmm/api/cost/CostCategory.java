package accelmm.api.cost;

/** What simulated time was spent on. */
public enum CostCategory {
    /** Serving far faults: the fault's round trip through the driver, per fault. */
    FAULT("fault"),
    /** Copying pages from host to device memory over the link. */
    TO_DEVICE("toDevice"),
    /** Copying pages from device to host memory for a CPU access or a migration home. */
    TO_HOST("toHost"),
    /** Copying pages home to make room in device memory. */
    EVICTION("eviction"),
    /** Invalidating device TLBs after a GPU mapping went. */
    TLB("tlb"),
    /** The device's own accesses to its memory. */
    COMPUTE("compute"),
    /** The device's accesses to host memory over the link (pages mapped remotely). */
    REMOTE("remote"),
    /** Naps of a processor throttled for thrashing. */
    THROTTLE("throttle"),
    /** Waits at a barrier for the other processes. */
    WAIT("wait");

    private final String key;

    CostCategory(String key) {
        this.key = key;
    }

    /** Returns its key in the JSON report, camelCase. */
    public String key() {
        return key;
    }
}
