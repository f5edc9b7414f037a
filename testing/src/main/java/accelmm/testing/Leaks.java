package accelmm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.LongSupplier;

import accelmm.api.dma.Dma;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.ProcessInfo;

/**
 * The check every test of the memory manager or a driver ends with: once the processes exit and the
 * host is closed, no dma-buf is left, every host frame is free, every frame's references add up
 * ({@link MemoryManager#check}) and no {@code WARN} was counted.
 *
 * <p>Concurrency: run from the test's thread after its own threads ended.
 */
public final class Leaks {
    private Leaks() {
    }

    /**
     * Exits every process, checks the dma-bufs ({@code dma} may be null), runs {@code close} (the
     * devices go), then checks the host.
     */
    public static void assertNothingLeaks(MemoryManager mm, Dma dma, Runnable close, LongSupplier warnings) {
        for (ProcessInfo p : List.copyOf(mm.processes())) {
            mm.process(p.pid()).exit();
        }
        if (dma != null) {
            assertEquals(List.of(), dma.bufs(), "dma-bufs outlived every process");
        }
        close.run();
        assertEquals(0, mm.nodes().get(0).used(), "host frames in use once everything closed");
        assertEquals(List.of(), mm.check());
        assertEquals(0, warnings.getAsLong(), "WARNs counted");
    }
}
