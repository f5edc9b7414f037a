package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.Request;
import accelmm.api.idr.Idr;
import accelmm.api.mm.MmProcess;

/**
 * A device's open files and the calls on them: open (a descriptor in the process's table), ioctl
 * through the device's gate, and the last close, which lets the driver release the file before the
 * core undoes what it still holds.
 *
 * <p>Concurrency: thread-safe; the file registry is lock-free for lookups.
 */
final class DeviceFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceFiles.class);
    private final DeviceImpl dev;
    private final CallGate gate;
    private final Idr<DeviceFileImpl> files;

    DeviceFiles(DeviceImpl dev, CallGate gate, Idr<DeviceFileImpl> files) {
        this.dev = dev;
        this.gate = gate;
        this.files = files;
    }

    int open(MmProcess process) {
        DeviceDriver d = gate.enter(-1);
        DeviceFileImpl f = null;
        boolean opened = false;
        int id = 0;
        try {
            id = files.alloc(null, 1, 0);
            f = new DeviceFileImpl(id, process, dev, gate.generation());
            d.open(f);
            opened = true;
            files.replace(f, id);
            int fd = process.fds().install(f);
            dev.count("open", 1);
            return fd;
        } catch (RuntimeException e) {
            if (opened) {
                release(d, f);
            }
            if (id > 0) {
                files.remove(id);
            }
            if (f != null) {
                dev.resources().undo(f.takeHeld());
            }
            throw e;
        } finally {
            gate.exitCall();
        }
    }

    private void release(DeviceDriver d, DeviceFileImpl f) {
        try {
            d.release(f);
        } catch (RuntimeException e) {
            LOG.debug("{}: release of {} failed", dev.name(), f, e);
        }
    }

    <R> R ioctl(DeviceFileImpl f, Request<R> request) {
        if (request == null) {
            throw Errno.EINVAL.exception("no request");
        }
        if (f.closed()) {
            throw Errno.ENODEV.exception(f + " is dead");
        }
        DeviceDriver d = gate.enter(f.generation);
        try {
            dev.count("ioctl", 1);
            return d.ioctl(f, request);
        } finally {
            gate.exitCall();
        }
    }

    /** The last close of a file: the driver releases it, then the core undoes what it still holds. */
    void release(DeviceFileImpl f) {
        if (f.closed()) {
            return;
        }
        DeviceDriver d = gate.enterCallback(f.generation, true);
        if (d != null) {
            try {
                release(d, f);
            } finally {
                gate.exit();
            }
        }
        dev.gpuSvmsImpl().release(f);
        dev.resources().undo(f.takeHeld());
        forget(f);
        dev.count("close", 1);
    }

    /** Frees a file's number unless another file holds it by now. */
    private void forget(DeviceFileImpl f) {
        if (files.find(f.id()) == f) {
            files.remove(f.id());
        }
    }

    /** Kills the files of {@code generation} (an unplug): what they hold is undone, they answer {@code ENODEV}. */
    void killAll(long generation) {
        List<DeviceFileImpl> open = new ArrayList<>();
        files.forEach((id, f) -> {
            if (f != null && f.generation == generation) {
                open.add(f);
            }
            return 0;
        });
        for (DeviceFileImpl f : open) {
            dev.resources().undo(f.takeHeld());
            forget(f);
        }
    }

    /** The driver state of every open file, for the check of a leaving driver. */
    List<Object> states() {
        List<Object> out = new ArrayList<>();
        files.forEach((id, f) -> {
            if (f != null) {
                out.addAll(f.typedState().values());
            }
            return 0;
        });
        return out;
    }

    long count() {
        return files.count();
    }
}
