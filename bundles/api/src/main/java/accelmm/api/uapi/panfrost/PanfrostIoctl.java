package accelmm.api.uapi.panfrost;

/**
 * The ioctl requests of the Panfrost driver, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface PanfrostIoctl<R> extends accelmm.api.device.Request<R> permits PanfrostCreateBo, PanfrostFreeBo, PanfrostGetBoOffset, PanfrostMadvise, PanfrostMmapBo, PanfrostSubmit, PanfrostWaitBo {
}
