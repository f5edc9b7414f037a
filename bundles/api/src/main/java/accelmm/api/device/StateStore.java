package accelmm.api.device;

import java.util.function.Supplier;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The state the core keeps for a driver on a device or an open file, by {@link StateKey}: it
 * outlives the driver that made it, so the next version of the driver finds it, and goes with
 * the device (at unplug) or the file (at release). Values are api or JDK types; what they reach
 * (collections, registries, records, GEM objects) is checked for classes of a leaving driver.
 *
 * <p>Concurrency: thread-safe; {@link #computeIfAbsent} makes one value however many threads
 * race. The values themselves are guarded by whatever the driver documents (usually the device lock).
 */
@ProviderType
public interface StateStore {
    /**
     * Returns the value of {@code key}, or null.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the name holds a value of another type
     */
    <T> T get(StateKey<T> key);

    /**
     * Returns the value of {@code key}, made by {@code initial} if there is none.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the name holds a value of another type
     */
    <T> T computeIfAbsent(StateKey<T> key, Supplier<? extends T> initial);

    /**
     * Sets the value of {@code key} (null removes it) and returns the previous one.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the name holds a value of another type
     */
    <T> T put(StateKey<T> key, T value);

    /**
     * Removes the value of {@code key} and returns it, or null.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the name holds a value of another type
     */
    <T> T remove(StateKey<T> key);
}
