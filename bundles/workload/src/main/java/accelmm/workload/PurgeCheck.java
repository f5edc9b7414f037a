package accelmm.workload;

import java.util.List;

import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostMadvise;
import accelmm.api.uapi.panfrost.PanfrostSubmit;

/**
 * A purgeable Panfrost BO under the host's shrinkers: a job writes a page of it, it is marked
 * {@code DONTNEED}, the host may reclaim it meanwhile (any thread's full host, or this one asking
 * now), then it is marked {@code WILLNEED} again. Either it kept every byte, or it was purged and a
 * job that touches it faults with {@code EINVAL}; {@code retained} must say which.
 *
 * <p>Concurrency: the session's thread; other threads' reclaim and driver updates race it.
 */
final class PurgeCheck {
    private static final int[] SIZES = {64 << 10, 256 << 10, 1 << 20};

    private PurgeCheck() {
    }

    static void run(ProcessSession s, String what, boolean reclaimNow) {
        long size = SIZES[s.r.nextInt(SIZES.length)];
        PanfrostBo bo = s.run.devices.ioctl(s.p, s.fd, new PanfrostCreateBo(size, Panfrost.BO_NOEXEC, 0));
        try {
            long at = bo.offset() + 4096L * s.r.nextInt((int) (size / 4096));
            byte[] data = Run.bytes(s.r, 4096);
            PanfrostJob w = s.run.devices.ioctl(s.p, s.fd, new PanfrostSubmit(List.of(bo.handle()),
                    List.of(PanfrostCmd.store(at, data))));
            s.run.check(s.name, what + " (job done)", w.done());
            s.run.check(s.name, what + " (a BO is retained when marked dontneed)",
                    s.run.devices.ioctl(s.p, s.fd, new PanfrostMadvise(bo.handle(), Panfrost.MADV_DONTNEED)));
            if (reclaimNow) {
                s.run.memory.reclaim(size / 4096);
            }
            boolean retained = s.run.devices.ioctl(s.p, s.fd, new PanfrostMadvise(bo.handle(), Panfrost.MADV_WILLNEED));
            PanfrostJob back = s.run.devices.ioctl(s.p, s.fd, new PanfrostSubmit(List.of(bo.handle()),
                    List.of(PanfrostCmd.load(at, 4096))));
            if (retained) {
                s.run.check(s.name, what + " (a retained BO kept its bytes)", data, back.done() ? back.loads().get(0) : new byte[0]);
            } else {
                s.run.check(s.name, what + " (a purged BO faults)", !back.done() && "EINVAL".equals(back.faultErrno()));
            }
        } finally {
            s.run.devices.ioctl(s.p, s.fd, new PanfrostFreeBo(bo.handle()));
        }
    }
}
