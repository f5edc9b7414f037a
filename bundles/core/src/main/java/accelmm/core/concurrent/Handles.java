package accelmm.core.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Variable handles for fields read and written with explicit memory ordering (release stores,
 * acquire loads, atomic updates) where a volatile field would fence every access.
 *
 * <p>Concurrency: stateless.
 */
public final class Handles {
    private Handles() {
    }

    /**
     * Returns the handle of field {@code name} of {@code owner}, found with the owner's lookup.
     *
     * @throws ExceptionInInitializerError if there is no such field (a programming error, met at
     *     class initialisation)
     */
    public static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
