package accelmm.api.device;

/**
 * A window of a process's memory that a file registered with its device (a GNA memory object, a
 * userptr): where it is and the interval notifier that tells the driver when it changes.
 *
 * @param file the number of the file that registered it ({@link DeviceFile#id()})
 * @param address the user address of its first byte
 * @param size its size in bytes
 * @param notifier the notifier over it
 */
public record UserMemory(int file, long address, long size, DeviceNotifier notifier) {
}
