package accelmm.launcher;

/**
 * One bundle of the host, as its jar is named in the bundles folder, with its start level.
 *
 * <p>Concurrency: immutable.
 *
 * @param file the jar's file name (version stripped), e.g. {@code accelmm-core.jar}
 * @param startLevel the OSGi start level
 * @param interactiveOnly true for bundles that only the interactive shell needs (JLine)
 */
public record HostBundle(String file, int startLevel, boolean interactiveOnly) {
}
