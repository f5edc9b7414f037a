package accelmm.core.notifier;

import accelmm.api.notifier.IntervalNotifier;

/**
 * A notifier that stands for a subscription of the core (a device's notifier, for instance): range
 * faults accept it where they accept the subscription itself.
 *
 * <p>Concurrency: as the subscription.
 */
public interface NotifierView extends IntervalNotifier {
    /** Returns the subscription behind it. */
    IntervalNotifier subscription();
}
