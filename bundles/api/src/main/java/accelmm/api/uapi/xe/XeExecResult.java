package accelmm.api.uapi.xe;

import java.util.List;

/**
 * The outcome of an exec.
 *
 * @param done true if every command ran
 * @param faultAddress the GPU address of the fault that ended it, or -1
 * @param faultErrno the fault handler's errno name ({@code ENOENT} without a VMA, {@code EPERM} for a
 *     write to read-only memory, {@code EINVAL} outside any mirror bind, ...), or null
 * @param gpuFaults the GPU faults it took
 * @param loads the bytes of each LOAD
 */
public record XeExecResult(boolean done, long faultAddress, String faultErrno, int gpuFaults, List<byte[]> loads) {
    /** Copies the list. */
    public XeExecResult {
        loads = List.copyOf(loads);
    }
}
