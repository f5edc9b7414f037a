package accelmm.driver.gna;

import accelmm.api.Errno;
import accelmm.api.device.DeviceFile;
import accelmm.api.idr.Idr;

/**
 * The device-wide registry of memory objects ({@code memory_idr}), ids from 1. An object is plain
 * data kept by the core across driver swaps: {@code {file id, user address, size}}.
 *
 * <p>Concurrency: the registry serializes writers; lookups take no lock.
 */
final class MemoryObjects {
    static final int FILE = 0;
    static final int ADDRESS = 1;
    static final int SIZE = 2;

    private MemoryObjects() {
    }

    static Idr<long[]> of(DeviceFile file) {
        return file.device().idr("memory", 1);
    }

    /**
     * Finds an object of {@code file}: an unknown id and another file's object answer the same.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}
     */
    static long[] owned(DeviceFile file, long memoryId) {
        long[] mo = memoryId < 1 || memoryId > Integer.MAX_VALUE ? null : of(file).find(memoryId);
        if (mo == null || mo[FILE] != file.id()) {
            throw Errno.EINVAL.exception("no memory object " + memoryId + " in this file");
        }
        return mo;
    }
}
