package accelmm.api.idr;

/**
 * One id and the object it holds, as {@link Idr#getNext} returns it.
 *
 * <p>Concurrency: immutable.
 *
 * @param <T> the stored type
 * @param id the id
 * @param value the object; never null
 */
public record IdrEntry<T>(long id, T value) {
}
