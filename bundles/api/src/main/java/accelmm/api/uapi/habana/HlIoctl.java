package accelmm.api.uapi.habana;

/**
 * The ioctl requests of the Habana Labs driver, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface HlIoctl<R> extends accelmm.api.device.Request<R> permits HlAllocMemory, HlDeviceRead, HlDeviceWrite, HlDmabufRead, HlDmabufWrite, HlExportDmabuf, HlFreeMemory, HlMapHost, HlMapMemory, HlSetOperational, HlUnmapMemory {
}
