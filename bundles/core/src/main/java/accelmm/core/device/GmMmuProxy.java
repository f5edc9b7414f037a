package accelmm.core.device;

import java.util.function.Function;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmFaultArgs;
import accelmm.api.gmem.GmMmu;
import accelmm.api.gmem.GmRet;
import accelmm.api.hmm.MigratePfn;

/**
 * The GMEM MMU callbacks of a device, passed to whichever driver is bound at each call (the driver
 * in place during a quiesce, the replacement after). With no driver left (an unplug), data still
 * comes home: peerUnmap copies the pages itself and the page-table calls do nothing.
 *
 * <p>Concurrency: thread-safe.
 */
final class GmMmuProxy implements GmMmu {
    private final DeviceImpl device;
    private final CallGate gate;

    GmMmuProxy(DeviceImpl device, CallGate gate) {
        this.device = device;
        this.gate = gate;
    }

    private <R> R call(Function<GmMmu, R> op, R none) {
        DeviceDriver d = gate.enterCallback(gate.generation(), true);
        if (d == null) {
            return none;
        }
        try {
            if (!(d instanceof GmMmu mmu)) {
                throw Errno.EOPNOTSUPP.exception("the driver of " + device.name() + " has no GMEM MMU callbacks");
            }
            return op.apply(mmu);
        } finally {
            gate.exit();
        }
    }

    /** Runs a callback that returns nothing; with no driver bound it does nothing. */
    private void run(java.util.function.Consumer<GmMmu> op) {
        call(m -> {
            op.accept(m);
            return null;
        }, null);
    }

    @Override
    public Object pmapCreate(GmDev dev) {
        Object pmap = call(m -> m.pmapCreate(dev), null);
        if (pmap == null) {
            throw Errno.ENODEV.exception(device.name() + " has no driver to create a page table");
        }
        return pmap;
    }

    @Override
    public void pmapDestroy(GmDev dev, Object pmap) {
        run(m -> m.pmapDestroy(dev, pmap));
    }

    @Override
    public void pmapEnter(GmDev dev, Object pmap, long va, long size, long pa, int prot) {
        run(m -> m.pmapEnter(dev, pmap, va, size, pa, prot));
    }

    @Override
    public void pmapRelease(GmDev dev, Object pmap, long va, long size) {
        run(m -> m.pmapRelease(dev, pmap, va, size));
    }

    @Override
    public void pmapProtect(GmDev dev, Object pmap, long va, long size, int prot) {
        run(m -> m.pmapProtect(dev, pmap, va, size, prot));
    }

    @Override
    public void tlbInvl(GmDev dev, Object pmap, long va, long size) {
        run(m -> m.tlbInvl(dev, pmap, va, size));
    }

    @Override
    public GmRet peerMap(GmFaultArgs args) {
        GmRet r = call(m -> m.peerMap(args), null);
        if (r == null) {
            throw Errno.ENODEV.exception(device.name() + " has no driver");
        }
        return r;
    }

    @Override
    public void peerUnmap(GmFaultArgs args) {
        Boolean done = call(m -> {
            m.peerUnmap(args);
            return Boolean.TRUE;
        }, Boolean.FALSE);
        if (!done && args.copy) {
            for (int i = 0; i < args.src.length; i++) {
                if (MigratePfn.migrate(args.src[i]) && MigratePfn.valid(args.dst[i])) {
                    device.memoryManager().copyPage(args.src[i], args.dst[i]);
                }
            }
        }
    }
}
