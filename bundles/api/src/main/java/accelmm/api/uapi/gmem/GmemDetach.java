package accelmm.api.uapi.gmem;

/**
 * Detaches the device from the calling process: its regions come back to host memory first. Closing
 * the file does the same. Reply: null.
 *
 * <p>Errors: {@code EINVAL} if this file did not attach.
 */
public record GmemDetach() implements GmemIoctl<Void> {
}
