package accelmm.api.device;

import accelmm.api.notifier.IntervalNotifier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An interval notifier a driver inserted for a file: owned by the core, its invalidations are
 * delivered to whichever driver is bound at the time ({@link DeviceDriver#invalidate}).
 *
 * <p>Concurrency: as {@link IntervalNotifier}.
 */
@ProviderType
public interface DeviceNotifier extends IntervalNotifier {
    /** Returns the file it belongs to. */
    DeviceFile file();

    /** Returns the driver's key for what it mirrors (a memory id, a range id, ...). */
    long cookie();
}
