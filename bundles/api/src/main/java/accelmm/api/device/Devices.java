package accelmm.api.device;

import java.util.List;
import java.util.Map;

import accelmm.api.mm.MmProcess;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices and their files: open, ioctl, listings. Closing is the process's
 * {@link accelmm.api.mm.FdTable#close}; process exit closes every file.
 *
 * <p>Concurrency: thread-safe. Calls to a device whose driver is being replaced wait for the new
 * driver; they answer {@code ENODEV} if none arrives within the grace period.
 */
@ProviderType
public interface Devices {
    /**
     * Opens a device in a process.
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device or one without a
     *     driver; {@code EMFILE}; {@code ESRCH} for an exited process; the driver's refusal
     */
    int open(MmProcess process, String device);

    /**
     * Sends an ioctl request to the driver of an open device file.
     *
     * @return the driver's reply, of the request's reply type
     * @throws accelmm.api.ErrnoException {@code EBADF} if {@code fd} is not open; {@code ENOTTY} if
     *     it is not a device file or the request is not one its driver answers; {@code EINVAL} for
     *     a null request; {@code ENODEV} once the device is unplugged; the driver's errno
     */
    <R> R ioctl(MmProcess process, int fd, Request<R> request);

    /**
     * Returns the device file behind a descriptor.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF}; {@code ENOTTY} for another kind of file
     */
    DeviceFile file(MmProcess process, int fd);

    /** Lists the devices by name. */
    List<DeviceInfo> list();

    /**
     * Returns one device's snapshot.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    DeviceInfo info(String device);

    /**
     * Returns one device's configuration.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    DeviceSpec spec(String device);

    /**
     * Checks every device page table: each valid entry maps an allocated frame (a host frame
     * someone holds, or device memory in use), so that none survives the memory it mapped being
     * unmapped, migrated or freed. Part of {@code mm:check}; meant for a quiet moment.
     *
     * @return one line per problem, at most 20; empty when all hold
     */
    List<String> check();

    /**
     * Lists a device's page tables by id.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    List<Long> pgtables(String device);

    /**
     * Describes the walk of {@code va} in one page table of a device, one line per level.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device; {@code ENOENT} for an
     *     unknown table
     */
    List<String> walk(String device, long table, long va);

    /**
     * Returns one device's counters.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    Map<String, Long> stats(String device);
}
