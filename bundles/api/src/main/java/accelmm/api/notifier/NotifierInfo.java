package accelmm.api.notifier;

/**
 * An interval notifier as {@code mm:notifiers} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param start first address
 * @param last last address (closed)
 * @param seq the sequence the notifier last recorded (odd after an invalidation touched it)
 */
public record NotifierInfo(long start, long last, long seq) {
}
