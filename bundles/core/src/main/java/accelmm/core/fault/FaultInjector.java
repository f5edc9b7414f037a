package accelmm.core.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The named fail sites of one core instance (the kernel's failslab / fail_page_alloc).
 *
 * <p>Code that allocates asks its {@link FailSite} once per allocation; tests and the shell arm
 * sites by name.
 *
 * <p>Concurrency: thread-safe.
 */
public final class FaultInjector {
    private final ConcurrentMap<String, FailSite> sites = new ConcurrentHashMap<>();

    /** Returns the site called {@code name}, creating it disarmed. */
    public FailSite site(String name) {
        return sites.computeIfAbsent(name, FailSite::new);
    }

    /** Returns every site created so far, sorted by name. */
    public List<FailSite> sites() {
        List<FailSite> all = new ArrayList<>(sites.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    /** Disarms every site. */
    public void disarmAll() {
        sites.values().forEach(FailSite::disarm);
    }
}
