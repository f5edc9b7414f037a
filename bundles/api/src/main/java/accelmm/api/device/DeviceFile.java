package accelmm.api.device;

import accelmm.api.mm.MmProcess;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open file of a device ({@code struct file} with its driver-private data). Its
 * {@link #state()} survives driver swaps; it must hold api types or plain data only.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DeviceFile {
    /** Returns the file's number on its device, unique while it is open (numbers are reused). */
    int id();

    /** Returns a number unique to this file for the device's lifetime, never reused. */
    long serial();

    /** Returns the process that opened it. */
    MmProcess process();

    /** Returns the device. */
    DeviceContext device();

    /** Returns the file's driver state ({@code driver_priv}), kept across driver swaps until the file is released. */
    StateStore state();

    /** Returns true once the file is released, or dead after an unplug. */
    boolean closed();
}
