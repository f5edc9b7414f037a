package accelmm.bench;

import java.util.Locale;
import java.util.Map;

/**
 * What the kernel's own structures take for the operations the goals compare against: measured in
 * this run by {@code bench/native/kernel} when it could be built from the distribution's kernel
 * source, else the figures measured once on 2026-11-01 on this kind of machine.
 *
 * @param xaLoadRandomNs {@code xa_load} of a random index among 1M dense entries
 * @param invalidate4kNs an invalidation of a random 4 KiB range over 1M one-page notifiers
 * @param perHit1gNs an invalidation of a random 1 GiB range over the same, per notifier it reaches
 * @param idrChurnNs {@code idr_remove} of a random id among 1M live ones and the {@code idr_alloc}
 *     that hands it out again; NaN when not measured (no figure from another day stands in)
 * @param sameRun whether the figures were measured in this run
 */
record KernelPeers(double xaLoadRandomNs, double invalidate4kNs, double perHit1gNs, double idrChurnNs, boolean sameRun) {
    static final KernelPeers MEASURED_ONCE = new KernelPeers(72.0, 2050.0, 190.0, Double.NaN, false);

    /** The same-run figures among the native programs' output, or the constants when any is missing. */
    static KernelPeers of(Map<String, Double> natives) {
        Double load = natives.get("xa_load_random_1m_ns");
        Double q4k = natives.get("itree_invalidate_1m_4096_ns");
        Double q1g = natives.get("itree_invalidate_1m_1073741824_ns");
        if (load == null || q4k == null || q1g == null) {
            return MEASURED_ONCE;
        }
        Double churn = natives.get("idr_churn_1m_ns");
        return new KernelPeers(load, q4k, q1g / 262144, churn == null ? Double.NaN : churn, true);
    }

    /** One line saying where the figures come from. */
    String describe() {
        return String.format(Locale.ROOT, "kernel peers %s: xa_load %.1f ns, invalidate 4 KiB %.0f ns, %.1f ns per notifier over 1 GiB%s",
                sameRun ? "measured in this run from the kernel's lib/xarray.c, lib/idr.c and lib/interval_tree.c"
                        : "not built; using the figures measured once on 2026-11-01",
                xaLoadRandomNs, invalidate4kNs, perHit1gNs,
                Double.isNaN(idrChurnNs) ? "" : String.format(Locale.ROOT, ", IDR churn %.0f ns", idrChurnNs));
    }
}
