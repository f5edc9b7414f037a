package accelmm.api.mm;

/**
 * A fault-injection site and what it has done since it was last armed.
 *
 * <p>Concurrency: immutable.
 *
 * @param name the site, e.g. {@code page.alloc}
 * @param armed true if it injects failures now
 * @param calls how many allocations asked
 * @param failures how many failed because of it
 */
public record FaultSiteInfo(String name, boolean armed, long calls, long failures) {
}
