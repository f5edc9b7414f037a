package accelmm.api.cost;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One device's cost model and its simulated clocks: every charge advances the clock of the process
 * that pays (the one whose access caused the work; pid 0 for none) and adds to the device's busy
 * time, both by category. Transfers queue for the device's DMA engines: a process waits for its
 * own transfer, and transfers on different engines overlap.
 *
 * <p>Concurrency: thread-safe; each clock is a leaf lock, never held across a call out.
 */
@ProviderType
public interface DeviceCost {
    /** Returns the cost model in use. */
    CostModel model();

    /** Returns the device's simulated now: the latest time any of its payers reached. */
    long nowNanos();

    /** Charges {@code nanos} of {@code category} to process {@code pid} and the device. */
    void charge(int pid, CostCategory category, long nanos);

    /** Charges one far fault to {@code pid}. */
    void fault(int pid);

    /** Charges one TLB invalidation to {@code pid}. */
    void tlbFlush(int pid);

    /**
     * Queues a transfer of {@code bytes} over the link on the engine free first; {@code pid}
     * waits until it is done.
     *
     * @param category {@link CostCategory#TO_DEVICE}, {@link CostCategory#TO_HOST} or {@link CostCategory#EVICTION}
     */
    void transfer(int pid, CostCategory category, long bytes);

    /** Returns the simulated time of process {@code pid}'s clock. */
    long processNanos(int pid);

    /**
     * Records, when a trace runs, a slice {@code name} of process {@code pid} from {@code startNanos}
     * (a {@link #processNanos} taken before) to its clock now: a GPU exec, a kernel.
     */
    void slice(int pid, String name, long startNanos);

    /** Charges the device's accesses: {@code local} bytes of its own memory and {@code remote} bytes of host memory. */
    void compute(int pid, long local, long remote);
}
