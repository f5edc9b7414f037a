package accelmm.api.uapi.xe;

/**
 * Prefetch: faults {@code [start, end)} in for the GPU now, at the VM's preferred location. Replies
 * null.
 *
 * @param vm the VM
 * @param start page-aligned start
 * @param end page-aligned end
 */
public record XePrefetch(int vm, long start, long end) implements XeIoctl<Void> {
}
