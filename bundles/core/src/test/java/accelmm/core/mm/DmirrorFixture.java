package accelmm.core.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;

import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/**
 * A host of 32 MiB with one {@link Dmirror} device of 8 MiB and one process, for the tests of
 * device memory; each test ends with every frame's references adding up, every host frame free
 * and every device page back.
 */
abstract class DmirrorFixture {
    static final int PAGE = 4096;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 32L << 20, false);
    final Dmirror dev;
    final MmProcess proc;
    final AddressSpace as;

    /** A fixture whose device memory is device-coherent or device-private. */
    DmirrorFixture(boolean coherent, String process) {
        dev = new Dmirror(mm, 8L << 20, coherent);
        proc = mm.spawn(process);
        as = proc.mm();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(List.of(), mm.check());
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.nodes().get(0).used(), "host frames leaked");
        assertEquals(0, dev.vram.info().used(), "device pages leaked");
    }
}
