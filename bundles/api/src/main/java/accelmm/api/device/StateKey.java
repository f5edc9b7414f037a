package accelmm.api.device;

import java.util.Objects;

/**
 * The typed name of one piece of state the core keeps for a driver, on a device
 * ({@link DeviceContext#state(StateKey, java.util.function.Supplier)}) or on an open file
 * ({@link DeviceFile#state(StateKey, java.util.function.Supplier)}) — the {@code dev_private} and
 * {@code driver_priv} of the kernel, one field at a time. A driver declares its keys as constants;
 * the next version of the driver declares the same name and type and finds the same value, so the
 * value's type must be an api or JDK type, never a class of the driver bundle (an update warns
 * about one). Two keys are equal when name and type are.
 *
 * <p>Example: {@code static final StateKey<IoPgtable> PGTABLE = StateKey.of("panfrost.pgtable", IoPgtable.class);}
 *
 * <p>Concurrency: immutable.
 *
 * @param <T> the type of the value
 */
public final class StateKey<T> {
    private final String name;
    private final Class<T> type;

    private StateKey(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    /**
     * Returns the key of {@code name} holding values of {@code type}.
     *
     * @throws NullPointerException for a null name or type
     * @throws IllegalArgumentException for an empty name
     */
    public static <T> StateKey<T> of(String name, Class<T> type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a state key needs a name");
        }
        return new StateKey<>(name, type);
    }

    /**
     * Returns the key of {@code name} for values of a generic type whose raw class is {@code raw}
     * (a {@code Set<Long>}, a {@code NavigableMap<Long, Range>}); the value is checked against the
     * raw class only.
     */
    @SuppressWarnings("unchecked")
    public static <T> StateKey<T> ofGeneric(String name, Class<?> raw) {
        return (StateKey<T>) of(name, raw);
    }

    /** Returns the name. */
    public String name() {
        return name;
    }

    /** Returns the type of the values. */
    public Class<T> type() {
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateKey<?> k && k.name.equals(name) && k.type == type;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type.getName().hashCode();
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + ")";
    }
}
