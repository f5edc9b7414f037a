package accelmm.api.idr;

/**
 * The three kinds of ID registry.
 *
 * <p>Concurrency: immutable.
 */
public enum RegistryKind {
    /** {@link Idr}: ids to objects, {@code lib/idr.c}. */
    IDR,
    /** {@link Ida}: ids only. */
    IDA,
    /** {@link XArrayAlloc}: an allocating XArray. */
    XARRAY
}
