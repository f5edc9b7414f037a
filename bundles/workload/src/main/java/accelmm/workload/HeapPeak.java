package accelmm.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The most Java heap in use since the last {@link #reset}, summed over the heap's pools as the JVM
 * records their peaks: what a run's page contents, metadata and models cost.
 *
 * <p>Concurrency: thread-safe (the JVM's beans are); a reset while another run measures mixes
 * their figures.
 */
final class HeapPeak {
    private HeapPeak() {
    }

    static void reset() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    static long bytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
