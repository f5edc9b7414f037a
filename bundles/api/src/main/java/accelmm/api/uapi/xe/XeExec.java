package accelmm.api.uapi.xe;

import java.util.List;

/**
 * {@code DRM_IOCTL_XE_EXEC}: runs a command stream in a VM. Replies {@link XeExecResult}.
 *
 * @param vm the VM
 * @param commands the stream
 */
public record XeExec(int vm, List<XeCmd> commands) implements XeIoctl<XeExecResult> {
    /** Copies the list. */
    public XeExec {
        commands = List.copyOf(commands);
    }
}
