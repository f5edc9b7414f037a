/**
 * The Intel Xe uAPI for shared virtual memory as request and reply records for
 * {@link accelmm.api.device.Devices#ioctl}: VMs in fault mode, CPU-address-mirror binds (the system
 * allocator: GPU addresses are the process's CPU addresses), memory advice and prefetch, and exec
 * of a command stream that stores, loads and atomically increments at GPU addresses.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package accelmm.api.uapi.xe;
