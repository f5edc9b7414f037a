package accelmm.api.uapi.gna;

/**
 * The ioctl requests of the Intel GNA driver, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface GnaIoctl<R> extends accelmm.api.device.Request<R> permits GnaCompute, GnaGetParameter, GnaMapMemory, GnaUnmapMemory, GnaWait {
}
