package accelmm.driver.xe;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.gpuvm.GpuVm;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.xe.Xe;

/**
 * Xe VMs: {@link GpuVm}s in the device registry {@code vms}, each with its page table and a GPU
 * SVM of the core (chunks of 2 MiB, 64 KiB and 4 KiB in 512 MiB notifier windows), which serves
 * CPU-address-mirror binds in fault mode and userptr binds in any mode.
 *
 * <p>Concurrency: guarded by the device lock.
 */
final class XeVm {
    private XeVm() {
    }

    static Idr<GpuVm> all(DeviceContext dev) {
        return dev.idr("vms", 1);
    }

    /** Creates a VM of {@code file}; returns its id. Under the device lock. */
    static int create(DeviceFile file, boolean faultMode) {
        DeviceContext dev = file.device();
        IoPgtable pt = dev.ioPgtable((1L << 12) | (1L << 21), 48, 48);
        int id = all(dev).alloc(null, 1, 0);
        all(dev).replace(new GpuVm(id, file, faultMode, pt,
                dev.gpuSvms().create(file, pt, Xe.NOTIFIER_SIZE, Xe.CHUNK_SIZES, "xe")), id);
        return id;
    }

    /**
     * Finds a VM of {@code file}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown VM or another file's
     */
    static GpuVm owned(DeviceFile file, int vm) {
        GpuVm v = vm < 1 ? null : all(file.device()).find(vm);
        if (v == null || v.file() != file) {
            throw Errno.ENOENT.exception("no VM " + vm + " in this file");
        }
        return v;
    }
}
