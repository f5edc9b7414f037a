package accelmm.api.uapi.panfrost;

import java.util.List;

/**
 * The outcome of a job.
 *
 * @param done true if every command ran
 * @param faultAddress the GPU address of the terminal fault, or -1
 * @param faultErrno the fault handler's errno name ({@code ENOENT}, {@code EINVAL}, {@code ENOMEM}),
 *     or null
 * @param heapFaults how many faults grew a heap
 * @param loads the bytes of each LOAD, in order
 */
public record PanfrostJob(boolean done, long faultAddress, String faultErrno, int heapFaults, List<byte[]> loads) {
    /** Copies the list. */
    public PanfrostJob {
        loads = List.copyOf(loads);
    }
}
