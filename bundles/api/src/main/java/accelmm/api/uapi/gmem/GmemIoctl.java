package accelmm.api.uapi.gmem;

/**
 * The ioctl requests of the GMEM NPU driver, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface GmemIoctl<R> extends accelmm.api.device.Request<R> permits GmemAttach, GmemDetach, GmemMarkHot, GmemResidency, GmemRun {
}
