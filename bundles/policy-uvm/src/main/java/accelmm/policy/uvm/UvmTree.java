package accelmm.policy.uvm;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/**
 * UVM's tree-based prefetcher ({@code uvm_perf_prefetch.c}): the granule's pages are the leaves of
 * a binary tree. The faulting page's big page counts as faulted whole (UVM grows the fault to its
 * big page unless it thrashes); then, walking up from the leaf, every subtree whose faulted or
 * resident pages exceed {@code threshold} percent of its size is a candidate, and the largest one
 * moves. A sequential scan of a 2 MiB granule with 64 KiB big pages faults at big pages 0, 1, 2, 4,
 * 8 and 16: 6 faults instead of 512.
 */
@Component(service = PrefetchPolicy.class)
public final class UvmTree implements PrefetchPolicy {
    private static final List<PolicyParam> PARAMS = List.of(
            new PolicyParam("threshold", 51, 1, 100,
                    "percent of a subtree that must be faulted or resident to fetch it whole (uvm_perf_prefetch_threshold)"),
            new PolicyParam("big_page_kib", 64, 4, 2048, "the GPU's big page, grown to on each fault, in KiB (a power of two)"));

    @Override
    public String name() {
        return "uvm-tree";
    }

    @Override
    public String summary() {
        return "NVIDIA UVM's tree prefetcher: the largest subtree above a threshold of faulted or resident pages";
    }

    @Override
    public List<PolicyParam> params() {
        return PARAMS;
    }

    @Override
    public void prefetch(PrefetchRequest q, PolicyParams params) {
        long threshold = params.get(0);
        int big = (int) Math.max(1, Math.min(q.pages(), Integer.highestOneBit((int) (params.get(1) / 4))));
        int f = q.faultPage();
        int bigStart = f & ~(big - 1);
        int bigResident = q.residentCount(bigStart, bigStart + big);
        int from = f;
        int to = f + 1;
        for (int size = 1; size <= q.pages(); size <<= 1) {
            int s = f & ~(size - 1);
            int count = size <= big ? size : q.residentCount(s, s + size) + big - bigResident;
            if (count * 100L > size * threshold) {
                from = s;
                to = s + size;
            }
        }
        q.select(from, to);
    }
}
