package accelmm.core.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Configurations waiting for a driver of their kind (a device of a kind no bundle provides yet):
 * what to apply, by configuration, once such a driver registers.
 *
 * <p>Concurrency: thread-safe; what is applied runs outside the lock.
 */
final class KindWaits {
    /** What waits: the kind, and what to run when one registers. */
    private record Waiting(String kind, Runnable apply) {
    }

    private final Map<String, Waiting> waiting = new HashMap<>();

    /** Runs {@code apply} (once) when a driver of {@code kind} registers; replaces what {@code pid} waited for. */
    synchronized void waitFor(String pid, String kind, Runnable apply) {
        waiting.put(pid, new Waiting(kind, apply));
    }

    /** Forgets what {@code pid} waited for. */
    synchronized void stop(String pid) {
        waiting.remove(pid);
    }

    /** Applies the configurations that waited for {@code kind}. */
    void arrived(String kind) {
        List<Runnable> ready = new ArrayList<>();
        synchronized (this) {
            waiting.entrySet().removeIf(e -> {
                if (e.getValue().kind().equals(kind)) {
                    ready.add(e.getValue().apply());
                    return true;
                }
                return false;
            });
        }
        ready.forEach(Runnable::run);
    }
}
