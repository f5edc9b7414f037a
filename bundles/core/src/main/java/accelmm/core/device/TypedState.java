package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import accelmm.api.Errno;
import accelmm.api.device.StateKey;
import accelmm.api.device.StateStore;

/**
 * The driver state of a device or a file: values by key name, each checked against its key's
 * type on every access, so a driver update that changes a key's type gets {@code EEXIST} rather
 * than a value it cannot use.
 *
 * <p>Concurrency: thread-safe (a concurrent map).
 */
final class TypedState implements StateStore {
    private final ConcurrentHashMap<String, Object> values = new ConcurrentHashMap<>();

    @Override
    public <T> T get(StateKey<T> key) {
        return typed(key, values.get(key.name()));
    }

    @Override
    public <T> T computeIfAbsent(StateKey<T> key, Supplier<? extends T> initial) {
        Object v = values.computeIfAbsent(key.name(), k -> {
            T made = initial.get();
            if (made == null) {
                throw Errno.EINVAL.exception("state " + key.name() + " cannot be made null");
            }
            return typed(key, made);
        });
        return typed(key, v);
    }

    @Override
    public <T> T put(StateKey<T> key, T value) {
        typed(key, value);
        typed(key, values.get(key.name()));
        return key.type().cast(value == null ? values.remove(key.name()) : values.put(key.name(), value));
    }

    @Override
    public <T> T remove(StateKey<T> key) {
        Object old = values.get(key.name());
        typed(key, old);
        return values.remove(key.name(), old) ? key.type().cast(old) : null;
    }

    /** The values, for a walk over everything the state reaches. */
    List<Object> values() {
        return new ArrayList<>(values.values());
    }

    void clear() {
        values.clear();
    }

    private static <T> T typed(StateKey<T> key, Object v) {
        if (v != null && !key.type().isInstance(v)) {
            throw Errno.EEXIST.exception("state " + key.name() + " holds a " + v.getClass().getSimpleName()
                    + ", not a " + key.type().getSimpleName());
        }
        return key.type().cast(v);
    }
}
