package accelmm.driver.gna;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceJob;
import accelmm.api.device.StateKey;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaWaitReply;

/**
 * The device's request queue ({@code request_list} and its workqueue), kept in the device state so
 * queued requests outlive a driver update; the file's state maps each request id to its future
 * until a wait collects it.
 *
 * <p>Concurrency: the deque, the map and the futures are thread-safe.
 */
final class GnaQueue {
    private static final StateKey<LinkedBlockingDeque<DeviceJob<GnaCompute, GnaWaitReply>>> QUEUE =
            StateKey.ofGeneric("gna.queue", LinkedBlockingDeque.class);
    private static final StateKey<AtomicLong> SEQ = StateKey.of("gna.request.seq", AtomicLong.class);
    private static final StateKey<ConcurrentMap<Long, CompletableFuture<GnaWaitReply>>> REQUESTS =
            StateKey.ofGeneric("gna.requests", ConcurrentMap.class);

    private GnaQueue() {
    }

    static LinkedBlockingDeque<DeviceJob<GnaCompute, GnaWaitReply>> of(DeviceContext dev) {
        return dev.state().computeIfAbsent(QUEUE, LinkedBlockingDeque::new);
    }

    private static ConcurrentMap<Long, CompletableFuture<GnaWaitReply>> requests(DeviceFile file) {
        return file.state().computeIfAbsent(REQUESTS, ConcurrentHashMap::new);
    }

    /** Queues a validated request; returns its id. */
    static long submit(DeviceFile file, GnaCompute cfg) {
        DeviceContext dev = file.device();
        long id = dev.state().computeIfAbsent(SEQ, AtomicLong::new).incrementAndGet();
        CompletableFuture<GnaWaitReply> done = new CompletableFuture<>();
        requests(file).put(id, done);
        of(dev).add(new DeviceJob<>(id, file, cfg, done));
        return id;
    }

    /**
     * Waits for a request of {@code file} ({@code GNA_WAIT}): a finished request is collected and
     * its outcome returned; a timeout leaves it queued.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown request, another file's, or
     *     one cancelled by a free; {@code EBUSY} when the timeout passes first; the request's own
     *     errno when it failed
     */
    static GnaWaitReply await(DeviceFile file, long requestId, long timeoutMs) {
        CompletableFuture<GnaWaitReply> f = requests(file).get(requestId);
        if (f == null) {
            throw Errno.EINVAL.exception("no request " + requestId + " in this file");
        }
        try {
            GnaWaitReply outcome = f.get(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
            requests(file).remove(requestId);
            return outcome;
        } catch (TimeoutException e) {
            throw Errno.EBUSY.exception("request " + requestId + " is not done after " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.exception("interrupted while waiting for request " + requestId + " (it stays queued)");
        } catch (ExecutionException e) {
            requests(file).remove(requestId);
            Errno errno = e.getCause() instanceof ErrnoException x ? x.errno() : Errno.EIO;
            throw errno.exception("request " + requestId + " failed");
        } catch (java.util.concurrent.CancellationException e) {
            requests(file).remove(requestId);
            throw Errno.EINVAL.exception("request " + requestId + " was deleted");
        }
    }

    /**
     * Deletes queued requests of {@code file} that use {@code memoryId} (all of the file's when it
     * is -1), as {@code gna_delete_memory_requests} does.
     */
    static void cancel(DeviceFile file, long memoryId) {
        for (Iterator<DeviceJob<GnaCompute, GnaWaitReply>> it = of(file.device()).iterator(); it.hasNext(); ) {
            DeviceJob<GnaCompute, GnaWaitReply> e = it.next();
            if (e.file() != file || !(memoryId < 0 || uses(e.request(), memoryId))) {
                continue;
            }
            it.remove();
            requests(file).remove(e.id());
            e.done().cancel(false);
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
