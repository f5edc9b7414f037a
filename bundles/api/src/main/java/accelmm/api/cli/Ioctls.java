package accelmm.api.cli;

import java.util.Locale;

import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;

/**
 * What every driver scope's ioctl commands share: the call on a process's open file, with the
 * pid and descriptor parsed in range, and the first bytes of a result shown in hex.
 *
 * <p>Concurrency: stateless; the call runs on the caller's thread.
 */
public final class Ioctls {
    /** How many bytes {@link #hex} shows. */
    public static final int SHOWN = 16;

    private Ioctls() {
    }

    /**
     * Sends {@code request} to the file {@code fd} of process {@code pid}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad pid or fd; {@code ESRCH} for an
     *     unknown process; {@code EBADF}/{@code ENOTTY} as {@link Devices#ioctl}; the driver's errno
     */
    public static <R> R call(Devices devices, MemoryManager memory, String pid, String fd, accelmm.api.device.Request<R> request) {
        return devices.ioctl(memory.process(Args.pid(pid)), Args.fd(fd), request);
    }

    /** The first {@link #SHOWN} bytes as {@code " 07 07 ..."}, with {@code " ..."} if there are more. */
    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(SHOWN, b.length); i++) {
            s.append(String.format(Locale.ROOT, " %02x", b[i]));
        }
        return b.length > SHOWN ? s.append(" ...").toString() : s.toString();
    }
}
