package accelmm.core.device;

import accelmm.api.mm.PinnedPages;

/**
 * Pins a driver took for a file: an unpin by the driver also ends the file's tracking of them.
 *
 * <p>Concurrency: as the pins it wraps.
 */
final class TrackedPins implements PinnedPages {
    private final PinnedPages pins;
    private final DeviceFileImpl file;

    TrackedPins(PinnedPages pins, DeviceFileImpl file) {
        this.pins = pins;
        this.file = file;
    }

    @Override
    public int node() {
        return pins.node();
    }

    @Override
    public long[] pfns() {
        return pins.pfns();
    }

    @Override
    public boolean unpin() {
        file.untrack(this);
        return pins.unpin();
    }

    /** Unpins without touching the file's tracking (the file is being released). */
    boolean unpinReleased() {
        return pins.unpin();
    }
}
