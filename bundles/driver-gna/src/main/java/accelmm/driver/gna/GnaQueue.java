package accelmm.driver.gna;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;

/**
 * The device's request queue ({@code request_list} and its workqueue), kept in the device state so
 * queued requests outlive a driver update: entries are {@code {Long id, DeviceFile, GnaCompute,
 * CompletableFuture<long[]>}}; the file's state maps {@code request.ID} to the same future until a
 * wait collects it.
 *
 * <p>Concurrency: the deque and the futures are thread-safe.
 */
final class GnaQueue {
    static final int ID = 0;
    static final int FILE = 1;
    static final int CONFIG = 2;
    static final int DONE = 3;

    private GnaQueue() {
    }

    @SuppressWarnings("unchecked")
    static LinkedBlockingDeque<Object[]> of(DeviceContext dev) {
        return (LinkedBlockingDeque<Object[]>) dev.state().computeIfAbsent("queue", k -> new LinkedBlockingDeque<Object[]>());
    }

    /** Queues a validated request; returns its id. */
    static long submit(DeviceFile file, GnaCompute cfg) {
        DeviceContext dev = file.device();
        long id = ((AtomicLong) dev.state().computeIfAbsent("request.seq", k -> new AtomicLong())).incrementAndGet();
        CompletableFuture<long[]> done = new CompletableFuture<>();
        file.state().put("request." + id, done);
        of(dev).add(new Object[] {id, file, cfg, done});
        return id;
    }

    /**
     * Waits for a request of {@code file} ({@code GNA_WAIT}): a finished request is collected and
     * its outcome returned; a timeout leaves it queued.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown request, another file's, or
     *     one cancelled by a free; {@code EBUSY} when the timeout passes first
     */
    @SuppressWarnings("unchecked")
    static long[] await(DeviceFile file, long requestId, long timeoutMs) {
        Object o = file.state().get("request." + requestId);
        if (!(o instanceof CompletableFuture<?> f)) {
            throw Errno.EINVAL.exception("no request " + requestId + " in this file");
        }
        try {
            long[] outcome = ((CompletableFuture<long[]>) f).get(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
            file.state().remove("request." + requestId);
            return outcome;
        } catch (TimeoutException e) {
            throw Errno.EBUSY.exception("request " + requestId + " is not done after " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.exception("interrupted while waiting for request " + requestId + " (it stays queued)");
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            file.state().remove("request." + requestId);
            throw Errno.EINVAL.exception("request " + requestId + " was deleted");
        }
    }

    /**
     * Deletes queued requests of {@code file} that use {@code memoryId} (all of the file's when it
     * is -1), as {@code gna_delete_memory_requests} does.
     */
    static void cancel(DeviceFile file, long memoryId) {
        for (Iterator<Object[]> it = of(file.device()).iterator(); it.hasNext(); ) {
            Object[] e = it.next();
            if (e[FILE] != file || !(memoryId < 0 || uses((GnaCompute) e[CONFIG], memoryId))) {
                continue;
            }
            it.remove();
            file.state().remove("request." + e[ID]);
            ((CompletableFuture<?>) e[DONE]).cancel(false);
            file.device().count("gna.cancel", 1);
        }
    }

    private static boolean uses(GnaCompute c, long memoryId) {
        for (GnaBuffer b : c.buffers()) {
            if (b.memoryId() == memoryId) {
                return true;
            }
        }
        return false;
    }
}
