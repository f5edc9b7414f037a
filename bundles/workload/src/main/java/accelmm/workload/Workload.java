package accelmm.workload;

/**
 * A built-in workload: drives one kind of device as user space does and checks every byte.
 *
 * <p>Concurrency: {@link #run} runs on its own thread; it may block.
 */
interface Workload {
    /** Returns the workload's name. */
    String name();

    /** Returns the device it drives. */
    String device();

    /** Returns a one-line description. */
    String description();

    /** Returns the number of steps, for the progress line. */
    int steps();

    /** Runs it; data checks go to {@code run}. */
    void run(Run run) throws Exception;
}
