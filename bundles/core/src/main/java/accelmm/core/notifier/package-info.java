/**
 * MMU interval notifiers ({@code mm/mmu_notifier.c}): an address space's subscriptions in an
 * interval tree, the invalidation sequence and the read-begin/read-retry protocol.
 *
 * <h2>Locking</h2>
 * The counters, the tree and the deferred inserts and removes are guarded by the subscriptions'
 * lock; callbacks run without it, with the address space's locks held. Changes that arrive during
 * an invalidation wait until the last one ends.
 *
 * <h2>State it owns</h2>
 * The intervals and sequences of every notifier of an address space.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * IntervalNotifier n = mm.insertNotifier(start, length, ops);
 * long seq = n.readBegin();
 * ... // fault, then under the driver's lock:
 * if (n.readRetry(seq)) { ... }           // start over
 * }</pre>
 */
package accelmm.core.notifier;
