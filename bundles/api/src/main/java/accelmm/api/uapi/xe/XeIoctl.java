package accelmm.api.uapi.xe;

/**
 * The ioctl requests of the Intel Xe driver, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface XeIoctl<R> extends accelmm.api.device.Request<R> permits XeBindBo, XeBindMirror, XeBindUserptr, XeBoClose, XeBoCreate, XeExec, XeGemMmapOffset, XeMadvise, XePrefetch, XeUnbind, XeVmCreate, XeVmDestroy {
}
