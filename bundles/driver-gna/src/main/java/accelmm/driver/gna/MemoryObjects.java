package accelmm.driver.gna;

import accelmm.api.Errno;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.UserMemory;
import accelmm.api.idr.Idr;

/**
 * The device-wide registry of memory objects ({@code memory_idr}), ids from 1, each a
 * {@link UserMemory} kept by the core across driver swaps.
 *
 * <p>Concurrency: the registry serializes writers; lookups take no lock.
 */
final class MemoryObjects {
    private MemoryObjects() {
    }

    static Idr<UserMemory> of(DeviceFile file) {
        return file.device().idr("memory", 1);
    }

    /**
     * Finds an object of {@code file}: an unknown id and another file's object answer the same.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}
     */
    static UserMemory owned(DeviceFile file, long memoryId) {
        UserMemory mo = memoryId < 1 || memoryId > Integer.MAX_VALUE ? null : of(file).find(memoryId);
        if (mo == null || mo.file() != file.id()) {
            throw Errno.EINVAL.exception("no memory object " + memoryId + " in this file");
        }
        return mo;
    }
}
