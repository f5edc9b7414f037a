package accelmm.driver.gna;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.device.UserMemory;
import accelmm.api.idr.Idr;
import accelmm.api.notifier.NotifierRange;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaGetParameter;
import accelmm.api.uapi.gna.GnaIoctl;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaMemoryId;
import accelmm.api.uapi.gna.GnaRequestId;
import accelmm.api.uapi.gna.GnaUnmapMemory;
import accelmm.api.uapi.gna.GnaWait;
import accelmm.api.uapi.gna.GnaWaitReply;

/**
 * The Intel GNA driver: user memory registered without pinning, pinned only while a request runs,
 * mapped through the GNA flat MMU, and scored by a simulated affine engine.
 *
 * <p>Concurrency: requests queue per device and a worker thread runs them one at a time while
 * this driver is bound (the queue is device state, so an update keeps it); an invalidation of a
 * memory object, and a free, wait for the running request.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=gna")
public final class GnaDriver implements DeviceDriver {
    /** The highest user address ({@code TASK_SIZE} of x86-64). */
    static final long TASK_SIZE = 1L << 47;

    private final java.util.Map<String, GnaWorker> workers = new java.util.concurrent.ConcurrentHashMap<>();

    /** The device's hardware lock, kept in the device state: one request runs at a time. */
    static ReentrantLock hardware(DeviceContext dev) {
        return dev.lock();
    }

    @Override
    public void bind(DeviceContext device) {
        GnaWorker w = new GnaWorker(device, hardware(device));
        workers.put(device.name(), w);
        w.start();
    }

    @Override
    public void unbind(DeviceContext device) {
        GnaWorker w = workers.remove(device.name());
        if (w != null) {
            w.stop();
        }
    }

    private static final IoctlTable IOCTLS = IoctlTable.builder("GNA", GnaIoctl.class)
            .on(GnaMapMemory.class, GnaDriver::map)
            .on(GnaUnmapMemory.class, (file, u) -> {
                unmap(file, u.memoryId());
                return null;
            })
            .on(GnaCompute.class, GnaDriver::compute)
            .on(GnaWait.class, GnaDriver::waitFor)
            .on(GnaGetParameter.class, (file, p) -> parameter(p.param()))
            .build();

    @Override
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        return IOCTLS.dispatch(file, request);
    }

    private static GnaMemoryId map(DeviceFile file, GnaMapMemory m) {
        if ((m.address() & 0xFFF) != 0) {
            throw Errno.EINVAL.exception("address 0x" + Long.toHexString(m.address()) + " is not page aligned");
        }
        if (m.size() == 0 || m.size() < 0 || m.size() > 0xFFFF_FFFFL) {
            throw Errno.EINVAL.exception("size " + m.size());
        }
        if (m.address() < 0 || m.address() + m.size() > TASK_SIZE) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(m.address()) + ", +" + m.size() + ") is not user memory");
        }
        Idr<UserMemory> objects = MemoryObjects.of(file);
        int id;
        try {
            id = objects.alloc(null, 1, 0);
        } catch (accelmm.api.ErrnoException e) {
            throw Errno.EFAULT.exception("no memory id: " + e.getMessage());
        }
        DeviceNotifier n;
        try {
            n = file.device().insertNotifier(file, file.process().mm(), m.address(), m.size(), id);
        } catch (RuntimeException e) {
            objects.remove(id);
            throw e;
        }
        objects.replace(new UserMemory(file.id(), m.address(), m.size(), n), id);
        file.device().count("gna.map", 1);
        return new GnaMemoryId(id);
    }

    private static void unmap(DeviceFile file, long memoryId) {
        UserMemory mo = MemoryObjects.owned(file, memoryId);
        GnaQueue.cancel(file, memoryId);
        ReentrantLock hw = hardware(file.device());
        hw.lock();
        hw.unlock();
        MemoryObjects.of(file).remove(memoryId);
        mo.notifier().remove();
        file.device().count("gna.unmap", 1);
    }

    private static GnaRequestId compute(DeviceFile file, GnaCompute c) {
        GnaRequest.validate(file, c);
        file.device().count("gna.compute", 1);
        return new GnaRequestId(GnaQueue.submit(file, c));
    }

    private static GnaWaitReply waitFor(DeviceFile file, GnaWait w) {
        return GnaQueue.await(file, w.requestId(), w.timeoutMs());
    }

    private static Long parameter(long param) {
        if (param == Gna.PARAM_DEVICE_ID) {
            return Gna.DEVICE_ID;
        }
        if (param == Gna.PARAM_MAX_LAYER_COUNT) {
            return (long) Gna.MAX_LAYER_COUNT;
        }
        if (param == Gna.PARAM_MAX_MEMORY) {
            return Gna.MAX_HW_MEM;
        }
        throw Errno.EINVAL.exception("unknown parameter " + param);
    }

    @Override
    public void release(DeviceFile file) {
        GnaQueue.cancel(file, -1);
        List<Long> mine = new ArrayList<>();
        MemoryObjects.of(file).forEach((id, mo) -> {
            if (mo != null && mo.file() == file.id()) {
                mine.add(id);
            }
            return 0;
        });
        for (long id : mine) {
            unmap(file, id);
        }
    }

    @Override
    public boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq) {
        ReentrantLock hardware = hardware(notifier.file().device());
        if (range.blockable()) {
            hardware.lock();
        } else if (!hardware.tryLock()) {
            return false;
        }
        try {
            notifier.setSeq(seq);
            notifier.file().device().count("gna.invalidate", 1);
            return true;
        } finally {
            hardware.unlock();
        }
    }
}
