package accelmm.api.device;

import java.util.concurrent.CompletableFuture;

/**
 * A request queued for a device's engine, kept by the core so that it outlives a driver update:
 * the next driver's worker runs it and completes its future.
 *
 * @param id the request's number on its device
 * @param file the file that queued it
 * @param request what to run
 * @param done completed with the reply, exceptionally with an {@link accelmm.api.ErrnoException}
 *     when it fails, cancelled when it is deleted before it ran
 * @param <Q> the request type
 * @param <R> the reply type
 */
public record DeviceJob<Q, R>(long id, DeviceFile file, Q request, CompletableFuture<R> done) {
}
