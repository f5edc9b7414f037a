package accelmm.core.device;

import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.core.notifier.NotifierView;

/**
 * A notifier inserted for a device file: the core's subscription, whose invalidations the device
 * delivers to the driver bound at the time.
 *
 * <p>Concurrency: as the subscription; {@link #sub} is set by the first invalidation or right after
 * insertion, whichever comes first (both to the same subscription).
 */
final class DeviceNotifierImpl implements DeviceNotifier, NotifierView {
    private final DeviceFileImpl file;
    private final long cookie;
    volatile IntervalNotifier sub;

    DeviceNotifierImpl(DeviceFileImpl file, long cookie) {
        this.file = file;
        this.cookie = cookie;
    }

    @Override
    public DeviceFile file() {
        return file;
    }

    @Override
    public long cookie() {
        return cookie;
    }

    @Override
    public IntervalNotifier subscription() {
        return sub;
    }

    @Override
    public long start() {
        return sub.start();
    }

    @Override
    public long last() {
        return sub.last();
    }

    @Override
    public long readBegin() {
        return sub.readBegin();
    }

    @Override
    public boolean readRetry(long seq) {
        return sub.readRetry(seq);
    }

    @Override
    public boolean checkRetry(long seq) {
        return sub.checkRetry(seq);
    }

    @Override
    public void setSeq(long curSeq) {
        sub.setSeq(curSeq);
    }

    @Override
    public void remove() {
        file.untrack(this);
        sub.remove();
    }

    /** Removes the subscription without touching the file's tracking. */
    void removeReleased() {
        sub.remove();
    }
}
