package accelmm.core.gmem;

import accelmm.api.gmem.GmPage;

/**
 * One 2 MiB region of a logical page table ({@code struct gm_mapping}).
 *
 * <p>Concurrency: read and written under the owning {@link GmAsImpl}'s monitor.
 */
final class GmMapping {
    /** What the memory policies know of the region: uses, ticks, moves; kept while the region moves. */
    final accelmm.api.policy.BlockState policy;
    /** NOMAP, CPU or DEVICE. */
    int state = GmPage.NOMAP;
    /** The device holding the region when DEVICE. */
    GmDevImpl dev;
    /** A fault found device memory full; cleared when the region reaches the device. */
    boolean willneed;
    /** A MARK_HOT hint: the region stays on its device. */
    boolean hot;

    GmMapping(long region) {
        policy = new accelmm.api.policy.BlockState(region, GmPage.REGION);
    }

    int flags() {
        return state | (willneed || hot ? GmPage.WILLNEED : 0);
    }

    void onDevice(GmDevImpl d) {
        state = GmPage.DEVICE;
        dev = d;
        willneed = false;
    }

    void onHost() {
        state = GmPage.CPU;
        dev = null;
    }
}
