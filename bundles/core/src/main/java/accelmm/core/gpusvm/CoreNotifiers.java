package accelmm.core.gpusvm;

import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.mm.AddressSpace;
import accelmm.api.notifier.NotifierRange;

/**
 * How the core inserts a notifier for a device file whose invalidations the core serves itself,
 * whatever driver is bound (the device tracks it with the file's other notifiers).
 */
@FunctionalInterface
public interface CoreNotifiers {
    /** The core's invalidation callback. */
    @FunctionalInterface
    interface Handler {
        /** As {@link accelmm.api.device.DeviceDriver#invalidate}. */
        boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq);
    }

    /**
     * Inserts a notifier over {@code [start, start + length)} of {@code mm} for {@code file}.
     *
     * @throws accelmm.api.ErrnoException as {@link accelmm.api.device.DeviceContext#insertNotifier}
     */
    DeviceNotifier insert(DeviceFile file, AddressSpace mm, long start, long length, long cookie, Handler handler);
}
