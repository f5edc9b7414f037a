package accelmm.api.gmem;

import java.util.List;

import accelmm.api.device.DeviceContext;
import accelmm.api.mm.AddressSpace;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The GMEM framework: creates devices and address spaces and resolves device faults.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface Gmem {
    /** How many hnodes a device may register ({@code MAX_NUMNODES} of the seed's configuration). */
    int MAX_NUMNODES = 64;

    /**
     * Creates the GMEM device of a device of the driver model ({@code gm_dev_create}); the MMU
     * callbacks go to the driver bound to it at each call, which must implement {@link GmMmu}.
     *
     * @param caps {@link GmCap} bits
     * @throws accelmm.api.ErrnoException {@code EBUSY} when no device id is free; {@code EEXIST} if
     *     the device already has one; {@code EINVAL} for unknown capability bits
     */
    GmDev devCreate(DeviceContext device, int caps);

    /** Returns the GMEM device of a device of the driver model, or null. */
    GmDev dev(DeviceContext device);

    /** Returns the live GMEM devices. */
    List<GmDev> devices();

    /**
     * Creates the GMEM address space of a process ({@code gm_as_create}) over {@code [begin, end)}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null address space, an unaligned or
     *     empty range; {@code EEXIST} if the process has one; {@code EINVAL} if it has exited
     */
    GmAs asCreate(AddressSpace mm, long begin, long end);

    /** Returns the GMEM address space of a process, or null. */
    GmAs as(AddressSpace mm);

    /** Returns every GMEM address space. */
    List<GmAs> addressSpaces();

    /**
     * A device faulted at {@code addr} of {@code mm} ({@code gm_dev_fault}): brings the 2 MiB region
     * holding it onto the device as the context's mode says and maps it in the device page table.
     *
     * @return {@link GmRet#SUCCESS}, {@link GmRet#PAGE_EXIST} if the region already was on this
     *     device, or {@link GmRet#MIGRATING} if device memory is full (nothing moved; the region is
     *     WILLNEED)
     * @throws accelmm.api.ErrnoException {@code EFAULT} if the process has no GMEM address space, the
     *     address is outside it or not mapped, or is shared memory in COHERENT_EXCLUSIVE mode; {@code EINVAL} if the device is not attached;
     *     {@code EPERM} for a write fault on read-only memory; what peerMap throws (the region stays
     *     where it was, with its data)
     */
    GmRet devFault(AddressSpace mm, long addr, GmDev dev, GmFaultHint hint, boolean write);

    /**
     * Checks the framework's bookkeeping: for every device, the pages its hnodes count as used
     * against the frames it has taken.
     *
     * @return the breaches found, empty if none
     */
    List<String> check();
}
