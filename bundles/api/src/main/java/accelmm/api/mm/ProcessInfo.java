package accelmm.api.mm;

/**
 * A process as {@code mm:ps} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param pid the pid
 * @param name the name
 * @param mappings the number of VMAs
 * @param virtualBytes bytes mapped
 * @param residentPages pages with a PTE
 */
public record ProcessInfo(int pid, String name, long mappings, long virtualBytes, long residentPages) {
}
