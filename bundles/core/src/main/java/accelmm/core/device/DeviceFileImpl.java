package accelmm.core.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;

/**
 * An open device file and what the core tracks for it: pins, DMA mappings, notifiers and shmem
 * objects, undone
 * when it is released or its device is unplugged. It is the file object in the process's
 * descriptor table; the last close releases it.
 *
 * <p>Concurrency: the tracked sets are guarded by this object.
 */
final class DeviceFileImpl implements DeviceFile, AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();
    private final int id;
    private final long serial = SERIALS.incrementAndGet();
    private final MmProcess process;
    private final DeviceImpl device;
    final long generation;
    private final TypedState state = new TypedState();
    private final List<PinnedPages> pins = new ArrayList<>();
    private final Set<SgTable> dmaMaps = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<DeviceNotifierImpl> notifiers = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<accelmm.api.mm.SharedFile> files = new ArrayList<>();
    private final Set<DeviceImportImpl> imports = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean closed;

    DeviceFileImpl(int id, MmProcess process, DeviceImpl device, long generation) {
        this.id = id;
        this.process = process;
        this.device = device;
        this.generation = generation;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public long serial() {
        return serial;
    }

    @Override
    public MmProcess process() {
        return process;
    }

    @Override
    public DeviceContext device() {
        return device;
    }

    DeviceImpl deviceImpl() {
        return device;
    }

    @Override
    public accelmm.api.device.StateStore state() {
        return state;
    }

    TypedState typedState() {
        return state;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        device.release(this);
    }

    synchronized boolean track(PinnedPages p) {
        return !closed && pins.add(p);
    }

    synchronized void untrack(PinnedPages p) {
        pins.remove(p);
    }

    synchronized boolean track(SgTable mapped) {
        return !closed && dmaMaps.add(mapped);
    }

    synchronized boolean untrack(SgTable mapped) {
        return dmaMaps.remove(mapped);
    }

    synchronized boolean track(accelmm.api.mm.SharedFile f) {
        return !closed && files.add(f);
    }

    synchronized boolean untrack(accelmm.api.mm.SharedFile f) {
        return files.remove(f);
    }

    synchronized boolean track(DeviceImportImpl i) {
        return !closed && imports.add(i);
    }

    synchronized void untrack(DeviceImportImpl i) {
        imports.remove(i);
    }

    synchronized boolean track(DeviceNotifierImpl n) {
        return !closed && notifiers.add(n);
    }

    synchronized void untrack(DeviceNotifierImpl n) {
        notifiers.remove(n);
    }

    /** Marks the file closed and hands over what it still holds for the caller to undo. */
    synchronized Held takeHeld() {
        closed = true;
        Held h = new Held(List.copyOf(pins), List.copyOf(dmaMaps), List.copyOf(notifiers), List.copyOf(files),
                List.copyOf(imports));
        imports.clear();
        pins.clear();
        files.clear();
        dmaMaps.clear();
        notifiers.clear();
        return h;
    }

    /** What a file held at release. */
    record Held(List<PinnedPages> pins, List<SgTable> dmaMaps, List<DeviceNotifierImpl> notifiers,
            List<accelmm.api.mm.SharedFile> files, List<DeviceImportImpl> imports) {
    }

    /** Returns the pins, mappings and notifiers tracked now. */
    synchronized int[] heldCounts() {
        return new int[] {pins.size(), dmaMaps.size(), notifiers.size()};
    }

    @Override
    public String toString() {
        return device.name() + " file " + id + " of pid " + process.pid();
    }
}
