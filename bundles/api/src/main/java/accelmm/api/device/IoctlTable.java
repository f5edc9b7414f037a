package accelmm.api.device;

import java.util.HashMap;
import java.util.Map;

import accelmm.api.Errno;

/**
 * A driver's ioctl table ({@code struct drm_ioctl_desc[]}): one typed handler per request record,
 * built once and checked to cover every record of the request families it declares, so that a
 * request nobody handles is {@code ENOTTY} and a request the driver forgot is found when the
 * driver class loads.
 *
 * <p>Example:
 * <pre>{@code
 * static final IoctlTable IOCTLS = IoctlTable.builder("Xe", XeRequest.class, DrmRequest.class)
 *         .on(XeVmCreate.class, (file, c) -> XeVm.create(file, c.faultMode()))
 *         .on(XeVmDestroy.class, (file, d) -> { destroy(file, d.vm()); return null; })
 *         ...
 *         .build();
 * }</pre>
 *
 * <p>Concurrency: immutable once built.
 */
public final class IoctlTable {
    /**
     * Handles one kind of request.
     *
     * @param <Q> the request type
     * @param <R> the reply type
     */
    @FunctionalInterface
    public interface Handler<Q, R> {
        /**
         * Handles {@code request} for {@code file}.
         *
         * @throws accelmm.api.ErrnoException the kernel's errno for the request
         */
        R handle(DeviceFile file, Q request);
    }

    /**
     * A handler that runs under the device lock; what it adds to {@code after} runs once the lock
     * is dropped (releasing an import, removing a notifier: work that must not hold it).
     *
     * @param <Q> the request type
     * @param <R> the reply type
     */
    @FunctionalInterface
    public interface LockedHandler<Q, R> {
        /**
         * Handles {@code request} for {@code file} under the device lock.
         *
         * @throws accelmm.api.ErrnoException the kernel's errno for the request
         */
        R handle(DeviceFile file, Q request, java.util.List<Runnable> after);
    }

    /**
     * Makes a handler that takes the file's device lock around {@code body} and runs what it left
     * in {@code after} once the lock is dropped, also when it fails.
     */
    public static <Q, R> Handler<Q, R> underDeviceLock(LockedHandler<Q, R> body) {
        return (file, request) -> {
            java.util.List<Runnable> after = new java.util.ArrayList<>();
            java.util.concurrent.locks.ReentrantLock lock = file.device().lock();
            lock.lock();
            try {
                return body.handle(file, request, after);
            } finally {
                lock.unlock();
                after.forEach(Runnable::run);
            }
        };
    }

    private final String driver;
    private final Map<Class<?>, Handler<?, ?>> handlers;

    private IoctlTable(String driver, Map<Class<?>, Handler<?, ?>> handlers) {
        this.driver = driver;
        this.handlers = Map.copyOf(handlers);
    }

    /**
     * Starts the table of {@code driver} (a name for messages), which answers the requests of
     * {@code families}: sealed interfaces whose every permitted record needs a handler.
     */
    public static Builder builder(String driver, Class<?>... families) {
        return new Builder(driver, families);
    }

    /**
     * Runs the handler of {@code request}'s record.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null request; {@code ENOTTY} for a
     *     request of a family the driver does not answer; the handler's errno
     */
    @SuppressWarnings("unchecked")
    public <R> R dispatch(DeviceFile file, Request<R> request) {
        if (request == null) {
            throw Errno.EINVAL.exception("no request");
        }
        Handler<Request<R>, R> h = (Handler<Request<R>, R>) handlers.get(request.getClass());
        if (h == null) {
            throw Errno.ENOTTY.exception(request.getClass().getSimpleName() + " is not an ioctl of the " + driver + " driver");
        }
        return h.handle(file, request);
    }

    /** Collects the handlers of an {@link IoctlTable}. */
    public static final class Builder {
        private final String driver;
        private final Class<?>[] families;
        private final Map<Class<?>, Handler<?, ?>> handlers = new HashMap<>();

        private Builder(String driver, Class<?>[] families) {
            this.driver = driver;
            this.families = families.clone();
        }

        /**
         * Handles requests of {@code type} with {@code handler}.
         *
         * @throws IllegalArgumentException for a type handled already or outside the families
         */
        public <R, Q extends Request<R>> Builder on(Class<Q> type, Handler<? super Q, ? extends R> handler) {
            boolean inFamily = false;
            for (Class<?> f : families) {
                inFamily |= f.isAssignableFrom(type);
            }
            if (!inFamily) {
                throw new IllegalArgumentException(type.getName() + " is in none of the " + driver + " driver's request families");
            }
            if (handlers.put(type, handler) != null) {
                throw new IllegalArgumentException(type.getName() + " has two handlers in the " + driver + " driver");
            }
            return this;
        }

        /**
         * Builds the table.
         *
         * @throws IllegalStateException if a record of a declared family has no handler
         */
        public IoctlTable build() {
            for (Class<?> f : families) {
                Class<?>[] members = f.getPermittedSubclasses();
                if (members == null) {
                    throw new IllegalStateException(f.getName() + " is not a sealed request family");
                }
                for (Class<?> m : members) {
                    if (!handlers.containsKey(m)) {
                        throw new IllegalStateException("the " + driver + " driver has no handler for " + m.getName());
                    }
                }
            }
            return new IoctlTable(driver, handlers);
        }
    }
}
