package accelmm.api.idr;

/**
 * What {@link IdrRegistry#list()} says of one registry.
 *
 * <p>Concurrency: immutable; {@code count} is a snapshot.
 *
 * @param owner the owner
 * @param name the name within the owner
 * @param kind IDR, IDA or XARRAY
 * @param base the lowest id handed out
 * @param count the number of allocated ids at the time of the call
 */
public record RegistryInfo(String owner, String name, RegistryKind kind, int base, long count) {
    /** Returns {@code owner/name}, the way the shell names the registry. */
    public String path() {
        return owner + "/" + name;
    }
}
