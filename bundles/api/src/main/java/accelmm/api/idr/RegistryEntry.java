package accelmm.api.idr;

/**
 * One allocated id as {@link IdrRegistry#entries} shows it.
 *
 * <p>Concurrency: immutable.
 *
 * @param id the id
 * @param reserved true if the id is taken but holds no object (reserved with {@code null})
 * @param value the object's {@code toString()}, or an empty string when there is none
 */
public record RegistryEntry(long id, boolean reserved, String value) {
}
